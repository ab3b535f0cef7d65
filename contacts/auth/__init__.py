"""Credentials: API keys (Bearer, Basic, X-API-Key, WSSE) and staff sessions."""

from contacts.models.apikey import Scope

__all__ = ["Scope"]
