"""Aftercare Desktop: alumni records, aftercare plans and peer mentoring for an aftercare team."""

__version__ = "0.1.0"
APP_NAME = "Aftercare Desktop"
ORG_NAME = "Aftercare"
