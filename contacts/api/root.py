"""The API root: what a caller can reach, with links per organization."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from contacts.auth.principal import reachable_organizations

ORGANIZATION_ENDPOINTS = (
    ("contacts", "contacts-list"),
    ("recordTypes", "recordTypes-list"),
    ("groups", "groups-list"),
    ("topics", "topics-list"),
    ("sources", "sources-list"),
    ("contactAttributes", "contactAttributes-list"),
    ("contactPaths", "contactPaths-list"),
)


class ApiRootView(APIView):
    """Lists the native endpoints for each organization you can reach, plus the schema and docs."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        organizations = [
            {
                "id": organization.pk,
                "name": organization.name,
                "endpoints": {
                    label: reverse(name, kwargs={"organization_id": organization.pk}, request=request)
                    for label, name in ORGANIZATION_ENDPOINTS
                },
            }
            for organization in reachable_organizations(request)
        ]
        return Response(
            {
                "organizations": organizations,
                "schema": reverse("schema", request=request),
                "docs": reverse("docs", request=request),
            }
        )
