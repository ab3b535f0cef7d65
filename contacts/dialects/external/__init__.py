"""The external dialect (seed 001): ``/external/v1/contacts/{uid}`` with ``X-API-Key``."""
