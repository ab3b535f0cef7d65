"""DRF authentication classes for API keys: ``Authorization: Bearer <key>``, HTTP Basic
``username:key`` and ``X-API-Key: <key>``. Staff sessions use DRF's SessionAuthentication."""

import base64
import binascii

from rest_framework import authentication, exceptions

from contacts.auth.keys import find_active_key, mark_used
from contacts.auth.principal import ApiKeyUser
from contacts.models import ApiKey


def _authenticated(api_key: ApiKey | None) -> tuple[ApiKeyUser, ApiKey]:
    if api_key is None:
        raise exceptions.AuthenticationFailed("Invalid API key.")
    mark_used(api_key)
    return ApiKeyUser(api_key), api_key


class BearerKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <key>``. Listed first, so a request without credentials gets
    401 with this ``WWW-Authenticate`` challenge rather than 403."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Bearer header: expected 'Bearer <key>'.")
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Malformed Bearer header.") from error
        return _authenticated(find_active_key(secret))

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BasicKeyAuthentication(authentication.BaseAuthentication):
    """HTTP Basic with the key's username and the key as password (legacy clients)."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Basic header.")
        try:
            username, _, secret = base64.b64decode(parts[1], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise exceptions.AuthenticationFailed("Malformed Basic header.") from error
        return _authenticated(find_active_key(secret, username=username))

    def authenticate_header(self, request) -> str:
        return 'Basic realm="api"'


class HeaderKeyAuthentication(authentication.BaseAuthentication):
    """``X-API-Key: <key>``, accepted by every dialect."""

    def authenticate(self, request):
        secret = request.META.get("HTTP_X_API_KEY")
        if secret is None:
            return None
        return _authenticated(find_active_key(secret.strip()))

    def authenticate_header(self, request) -> str:
        return 'ApiKey realm="api", header="X-API-Key"'
