"""Jinja2 templates and CSS for the HTML and PDF report, shipped as package data."""
