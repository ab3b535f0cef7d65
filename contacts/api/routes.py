"""URL helpers: every API route answers with and without a trailing slash (DESIGN §9)."""

from django.urls import URLPattern, re_path

ORG = r"(?P<organization_id>[^/]+)"


def route(pattern: str, view, name: str) -> URLPattern:
    # ``(?:/)?`` rather than ``/?``: it matches the same, but the OpenAPI generator (Django's
    # simplify_regex) drops a non-capturing group, so the schema documents the canonical
    # path without the slash, as DESIGN §5 writes the endpoints.
    return re_path(rf"^{pattern}(?:/)?$", view, name=name)


def reference_routes(kind: str, viewset) -> list[URLPattern]:
    """List/create and read/update/delete routes for one kind of reference data."""
    collection = viewset.as_view({"get": "list", "post": "create"})
    item = viewset.as_view({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"})
    return [
        route(rf"rest/{kind}/{ORG}", collection, f"{kind}-list"),
        route(rf"rest/{kind}/{ORG}/(?P<pk>[^/]+)", item, f"{kind}-detail"),
    ]
