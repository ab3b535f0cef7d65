"""The native dialect (seed 002): camelCase JSON under ``/rest/``."""
