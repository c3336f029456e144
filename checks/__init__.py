"""Built-in checks, shipped as the `ir_assessor_checks` package (the repository folder `checks/`)."""
