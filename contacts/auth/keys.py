"""Issuing and checking API keys.

Keys are long random strings, so a fast SHA-256 is the right lookup hash (no password
hashing needed) and comparisons are constant-time. A Fernet-encrypted copy lets the keyed
dialect verify WSSE digests, which are computed from the secret itself.
"""

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts.foundations.sql import columns_of, instances, quoted, select, table
from contacts.models import ApiKey, Organization, Scope, WebhookSubscription

KEY_PREFIX = "ck_"
# Touch last_used_at at most this often: one write per minute per key, not per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _derived(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("api-key-encryption:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> MultiFernet:
    """The configured keys, newest first, then those derived from ``SECRET_KEY`` and its
    fallbacks: the first encrypts, every one decrypts. So a key can be rotated (new key
    first, ``manage.py rotate_api_key_encryption``, old key dropped), and changing
    ``SECRET_KEY`` with the old one in ``SECRET_KEY_FALLBACKS`` keeps WSSE working."""
    configured = [Fernet(key.encode()) for key in settings.API_KEY_ENCRYPTION_KEYS]
    derived = [_derived(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    return MultiFernet([*configured, *derived])


def encrypt_key(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_key(api_key: ApiKey) -> str:
    """The plain secret, for WSSE digest checks only."""
    return decrypt_text(api_key.key_encrypted)


def decrypt_text(token: str) -> str:
    """A secret stored with ``encrypt_key`` (API keys, webhook signing secrets)."""
    return _fernet().decrypt(token.encode()).decode()


def rotate_key_encryption() -> int:
    """Re-encrypt every stored key and webhook signing secret with the current first
    encryption key; returns how many. Run after putting a new key first, before dropping the old one."""
    fernet = _fernet()
    keys = list(ApiKey.objects.only("id", "key_encrypted"))
    for api_key in keys:
        api_key.key_encrypted = fernet.rotate(api_key.key_encrypted.encode()).decode()
    ApiKey.objects.bulk_update(keys, ["key_encrypted"], batch_size=1000)
    webhooks = list(WebhookSubscription.objects.only("id", "secret_encrypted"))
    for webhook in webhooks:
        webhook.secret_encrypted = fernet.rotate(webhook.secret_encrypted.encode()).decode()
    WebhookSubscription.objects.bulk_update(webhooks, ["secret_encrypted"], batch_size=1000)
    return len(keys) + len(webhooks)


def parse_scopes(raw: str | list[str]) -> list[str]:
    """Validate a comma-separated (or listed) set of scopes; raises ValueError naming unknown ones."""
    items = raw.split(",") if isinstance(raw, str) else raw
    scopes = [item.strip() for item in items if item.strip()]
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(Scope.values)}")
    return sorted(set(scopes))


@transaction.atomic
def issue_api_key(*, organization: Organization, scopes: list[str], username: str = "", name: str = "") -> IssuedKey:
    """Create a key and return it with its secret, which is never retrievable again."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=organization,
        name=name,
        username=username or f"key-{secrets.token_hex(6)}",
        key_prefix=secret[:10],
        key_hash=hash_key(secret),
        key_encrypted=encrypt_key(secret),
        scopes=parse_scopes(scopes),
    )
    return IssuedKey(api_key=api_key, secret=secret)


def find_active_key(secret: str, *, username: str | None = None) -> ApiKey | None:
    """The active key matching ``secret`` (and ``username`` when given), else None."""
    digest = hash_key(secret)
    api_key = _active_key("key_hash", digest)
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
        return None
    if username is not None and not hmac.compare_digest(api_key.username, username):
        return None
    return api_key


def find_active_key_by_username(username: str) -> ApiKey | None:
    return _active_key("username", username)


def _active_key(column: str, value: str) -> ApiKey | None:
    """The active key whose ``column`` (a unique one) holds ``value``, with its organization:
    one statement written once, as every API request authenticates."""
    rows = select(_active_key_sql(column), [value])
    if not rows:
        return None
    [api_key] = instances(ApiKey, rows)
    [organization] = instances(Organization, rows, start=len(ApiKey._meta.concrete_fields))
    ApiKey._meta.get_field("organization").set_cached_value(api_key, organization)
    return api_key


@functools.cache
def _active_key_sql(column: str) -> str:
    return (
        f"SELECT {columns_of(ApiKey, 'k')}, {columns_of(Organization, 'o')} FROM {table(ApiKey)} k "
        f"JOIN {table(Organization)} o ON o.id = k.organization_id WHERE k.{quoted(column)} = %s AND k.is_active"
    )


def mark_used(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
