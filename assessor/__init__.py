"""Cloud IR readiness assessor."""

__version__ = "0.1.0"
