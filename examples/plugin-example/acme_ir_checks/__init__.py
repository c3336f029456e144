"""Acme's own IR-readiness checks, shipped as an ir-assessor plugin."""
