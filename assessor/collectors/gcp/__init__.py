"""Google Cloud collection: Cloud Asset Inventory records (live or from an export) into snapshots."""
