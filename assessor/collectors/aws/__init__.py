"""AWS collector (extra `[aws]`): boto3 sweeps per service and region, across an organisation."""
