"""Built-in gcp checks; every module in this package is scanned for @check functions."""
