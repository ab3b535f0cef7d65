"""Top-level routes: admin, probes and metrics, the API root, the dialects, reference data
and the OpenAPI docs."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from attributes.views import AttributeDefinitionViewSet
from contacts.api.docs import RedocPage, SwaggerPage
from contacts.api.root import ApiRootView
from contacts.api.routes import reference_routes, route
from contacts.dialects.native.views import MissingOrganizationView
from contacts.observability.health import healthz, readyz
from contacts.observability.requests import metrics
from contacts.reference.views import GroupViewSet, RecordTypeViewSet, SourceViewSet, TopicViewSet
from contacts.webhooks.views import WebhookViewSet
from paths.views import PathDefinitionViewSet

REFERENCE_KINDS = {
    "recordTypes": RecordTypeViewSet,
    "groups": GroupViewSet,
    "topics": TopicViewSet,
    "sources": SourceViewSet,
    "contactAttributes": AttributeDefinitionViewSet,
    "contactPaths": PathDefinitionViewSet,
    "webhooks": WebhookViewSet,
}

urlpatterns = [
    path("", RedirectView.as_view(url="/rest/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    route("rest", ApiRootView.as_view(), "api-root"),
    path("", include("contacts.dialects.native.urls")),
    path("", include("contacts.dialects.keyed.urls")),
    path("", include("contacts.dialects.external.urls")),
    path("", include("contacts.dialects.legacy.urls")),
    *[route_ for kind, viewset in REFERENCE_KINDS.items() for route_ in reference_routes(kind, viewset)],
    *[
        route(rf"rest/{kind}", MissingOrganizationView.as_view(), f"{kind}-missing-organization")
        for kind in REFERENCE_KINDS
    ],
    route("api/schema", SpectacularAPIView.as_view(), "schema"),
    route("api/docs", SwaggerPage.as_view(url_name="schema"), "docs"),
    route("api/redoc", RedocPage.as_view(url_name="schema"), "redoc"),
    path("api-auth/", include("rest_framework.urls")),
]

handler404 = "contacts.dialects.handlers.not_found"
handler500 = "contacts.dialects.handlers.server_error"
