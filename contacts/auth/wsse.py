"""WSSE UsernameToken authentication, as the keyed dialect's clients send it (DESIGN §9).

Header: ``X-WSSE: UsernameToken Username="..", PasswordDigest="..", Nonce="..", Created=".."``
with ``PasswordDigest = base64(hex(sha1(Nonce + Created + key)))``. ``Created`` must lie
within ±5 minutes of now and each nonce is accepted once per key.
"""

import base64
import hashlib
import hmac
import logging
import re
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from contacts.auth.keys import decrypt_key, find_active_key_by_username, mark_used
from contacts.auth.principal import ApiKeyUser
from contacts.models import ApiKey, WsseNonce
from contacts.services.validation import parse_instant

logger = logging.getLogger(__name__)
WINDOW = timedelta(minutes=5)
NONCE_LIFETIME = timedelta(minutes=10)
TOKEN_PART = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
REQUIRED = ("Username", "PasswordDigest", "Nonce", "Created")
NONCE_MAX_LENGTH = WsseNonce._meta.get_field("nonce").max_length


def password_digest(nonce: str, created: str, secret: str) -> str:
    """The digest a client computes: base64 of the hex SHA-1 of nonce + created + key."""
    return base64.b64encode(hashlib.sha1((nonce + created + secret).encode()).hexdigest().encode()).decode()


def parse_wsse_header(header: str) -> dict[str, str]:
    if not header.strip().startswith("UsernameToken"):
        raise exceptions.AuthenticationFailed("X-WSSE must be a UsernameToken.")
    parts = dict(TOKEN_PART.findall(header))
    missing = [name for name in REQUIRED if not parts.get(name)]
    if missing:
        raise exceptions.AuthenticationFailed(f"X-WSSE lacks {', '.join(missing)}.")
    return parts


def verify_token(parts: dict[str, str]) -> ApiKey:
    """The key the token proves, after checking digest, freshness and nonce reuse."""
    if len(parts["Nonce"]) > NONCE_MAX_LENGTH:
        # Checked first: a nonce the table cannot hold must never reach it.
        raise exceptions.AuthenticationFailed(f"The WSSE nonce is longer than {NONCE_MAX_LENGTH} characters.")
    api_key = find_active_key_by_username(parts["Username"])
    secret = _stored_secret(api_key) if api_key is not None else None
    expected = password_digest(parts["Nonce"], parts["Created"], secret) if secret else ""
    if not expected or not hmac.compare_digest(expected, parts["PasswordDigest"]):
        raise exceptions.AuthenticationFailed("Invalid WSSE credentials.")
    created = parse_instant(parts["Created"])
    now = timezone.now()
    if created is None or abs(now - created) > WINDOW:
        raise exceptions.AuthenticationFailed("WSSE Created is missing or more than 5 minutes from now.")
    WsseNonce.objects.filter(created_at__lt=now - NONCE_LIFETIME).delete()
    try:
        with transaction.atomic():
            WsseNonce.objects.create(api_key=api_key, nonce=parts["Nonce"], created_at=now)
    except IntegrityError as error:
        raise exceptions.AuthenticationFailed("This WSSE nonce was already used.") from error
    return api_key


def _stored_secret(api_key: ApiKey) -> str | None:
    """The key's secret, or None (nothing matches) when no configured encryption key opens it."""
    try:
        return decrypt_key(api_key)
    except InvalidToken:
        logger.error(
            "API key %s cannot be decrypted: was SECRET_KEY or API_KEY_ENCRYPTION_KEYS changed without keeping "
            "the old one (SECRET_KEY_FALLBACKS, or later in API_KEY_ENCRYPTION_KEYS)?",
            api_key.username,
        )
        return None


class WsseAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_X_WSSE")
        if header is None:
            return None
        api_key = verify_token(parse_wsse_header(header))
        mark_used(api_key)
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request) -> str:
        return 'WSSE realm="api", profile="UsernameToken"'
