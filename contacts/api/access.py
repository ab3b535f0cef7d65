"""The organization a native request works in, and the scope it needs.

Check order (DESIGN §9): missing organization id → authentication (401) → organization
reachable (404, never revealing other tenants) → scope (403) → object (404).
"""

from django.utils.functional import cached_property
from rest_framework import exceptions, permissions

from contacts.auth.principal import can_reach_organization, has_scope, request_api_key
from contacts.ids import parse_id
from contacts.models import Organization, Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class OrganizationScopePermission(permissions.BasePermission):
    """Resolves the URL's organization for the caller, then checks the view's scope."""

    def has_permission(self, request, view) -> bool:
        view.organization  # noqa: B018 - resolving raises 404 for unreachable organizations
        needed = view.required_scopes(request.method)
        if not any(has_scope(request, scope) for scope in needed):
            raise exceptions.PermissionDenied(f"This API key lacks the scope needed here: {' or '.join(needed)}.")
        return True


class OrganizationScopedMixin:
    """For views under ``/rest/<kind>/{organizationId}``.

    ``read_scopes`` lists scopes any one of which allows safe methods; ``write_scopes`` the
    ones that allow writes.
    """

    read_scopes: tuple[str, ...] = (Scope.CONTACTS_READ,)
    write_scopes: tuple[str, ...] = (Scope.CONTACTS_WRITE,)
    permission_classes = [permissions.IsAuthenticated, OrganizationScopePermission]

    def required_scopes(self, method: str) -> tuple[str, ...]:
        return self.read_scopes if method in SAFE_METHODS else self.write_scopes

    @cached_property
    def organization(self) -> Organization:
        organization_id = parse_id(self.kwargs.get("organization_id"))
        api_key = request_api_key(self.request)
        if api_key is not None:
            # A key reaches its own organization only, which was read with the key.
            organization = api_key.organization if organization_id == api_key.organization_id else None
        else:
            organization = Organization.objects.filter(pk=organization_id).first() if organization_id else None
        if organization is None or not can_reach_organization(self.request, organization):
            raise exceptions.NotFound("Organization not found.")
        return organization


class ApiKeyScopePermission(permissions.BasePermission):
    """For the dialects that serve API keys only (keyed, external, legacy): the key's own
    organization is the tenant. The view's ``read_scopes`` allow safe methods (any one of
    them), its ``write_scopes`` the others."""

    def has_permission(self, request, view) -> bool:
        api_key = request_api_key(request)
        if api_key is None:
            raise exceptions.NotAuthenticated("This API needs an API key.")
        needed = view.read_scopes if request.method in SAFE_METHODS else view.write_scopes
        if not any(api_key.has_scope(scope) for scope in needed):
            raise exceptions.PermissionDenied(f"This API key lacks the scope {' or '.join(needed)}.")
        return True


class ApiKeyOrganizationMixin:
    """The organization of a key-only dialect request is the key's."""

    read_scopes: tuple[str, ...] = (Scope.CONTACTS_READ,)
    write_scopes: tuple[str, ...] = (Scope.CONTACTS_WRITE,)
    permission_classes = [ApiKeyScopePermission]

    @property
    def organization(self) -> Organization:
        return request_api_key(self.request).organization
