"""Who is calling: an API key or a staff user, and which organizations and scopes that gives."""

from dataclasses import replace

from django.contrib.auth.models import AnonymousUser

from contacts.models import ApiKey, Membership, Organization, Scope
from contacts.services import Actor


class ApiKeyUser(AnonymousUser):
    """``request.user`` for API-key requests: authenticated, but not a Django user."""

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.username = api_key.username

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"api key {self.username}"


def request_api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def can_reach_organization(request, organization: Organization) -> bool:
    """An API key reaches its own organization; a user the ones they are a member of
    (superusers reach all)."""
    api_key = request_api_key(request)
    if api_key is not None:
        return api_key.organization_id == organization.pk
    user = request.user
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organization=organization).exists()


def has_scope(request, scope: str) -> bool:
    """Keys carry explicit scopes; a member user may do everything in their organizations."""
    api_key = request_api_key(request)
    if api_key is not None:
        return api_key.has_scope(scope)
    return scope in Scope.values and request.user.is_authenticated


def reachable_organizations(request):
    """Organizations the caller may use, for listings such as the API root."""
    api_key = request_api_key(request)
    if api_key is not None:
        return Organization.objects.filter(pk=api_key.organization_id)
    if request.user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=request.user)


def actor_label(request) -> str:
    """A human-readable actor for history rows."""
    api_key = request_api_key(request)
    if api_key is not None:
        return f"api_key:{api_key.username}"
    return f"user:{request.user.get_username()}"


def actor_for_key(api_key: ApiKey) -> Actor:
    return Actor(label=f"api_key:{api_key.username}", api_key_id=api_key.pk)


def request_actor(request) -> Actor:
    """The engine's Actor for this request (API key or user, and the request's
    ``Idempotency-Key``), for history rows."""
    api_key = request_api_key(request)
    actor = (
        actor_for_key(api_key) if api_key is not None else Actor(label=actor_label(request), user_id=request.user.pk)
    )
    return replace(actor, idempotency_key=request.headers.get("Idempotency-Key", "")[:255])
