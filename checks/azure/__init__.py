"""Built-in azure checks; every module in this package is scanned for @check functions."""
