"""Legacy REST: ``GET``/``PUT /api/2.0/contacts/{id}`` (seed 004)."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.access import ApiKeyOrganizationMixin
from contacts.api.errors import refusal_status_and_headers
from contacts.api.parsers import StrictJSONParser
from contacts.auth.authentication import BasicKeyAuthentication, BearerKeyAuthentication, HeaderKeyAuthentication
from contacts.auth.principal import request_actor
from contacts.dialects.legacy.operations import get_contact, get_history, update_contact
from contacts.dialects.legacy.wire import LegacyError
from contacts.services import Channel

ERROR_CODES = {400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "THROTTLED"}


def error_body(code: str, message: str, prop: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "property": prop}}


def legacy_exception_handler(exc: Exception, context: dict) -> Response:
    """``{"error": {"code", "message", "property"}}`` for every refusal."""
    if isinstance(exc, LegacyError):
        return Response(error_body(exc.code, exc.message, exc.prop), status=exc.status)
    if not isinstance(exc, exceptions.APIException):
        raise exc
    status, headers = refusal_status_and_headers(exc, context["request"])
    return Response(error_body(ERROR_CODES.get(status, "ERROR"), str(exc.detail)), status=status, headers=headers)


class LegacyContactView(ApiKeyOrganizationMixin, APIView):
    """Read a contact's properties, or update the properties sent (PARTIAL)."""

    authentication_classes = [BasicKeyAuthentication, HeaderKeyAuthentication, BearerKeyAuthentication]
    parser_classes = [StrictJSONParser, FormParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return legacy_exception_handler

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, contact_id: str) -> Response:
        return Response(get_contact(self.organization, contact_id))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.INT)
    def put(self, request: Request, contact_id: str) -> Response:
        """Answers the contact id as a JSON integer, as seed 004 documents."""
        properties = request.data.dict() if hasattr(request.data, "dict") else request.data
        return Response(
            update_contact(
                organization=self.organization,
                raw_id=contact_id,
                properties=properties,
                actor=request_actor(request),
                channel=Channel.LEGACY,
            )
        )


class LegacyContactHistoryView(LegacyContactView):
    """The contact's change history, newest first."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, contact_id: str) -> Response:
        return Response(get_history(self.organization, contact_id))

    http_method_names = ["get", "head", "options"]
