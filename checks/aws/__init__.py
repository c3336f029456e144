"""Built-in aws checks; every module in this package is scanned for @check functions."""
