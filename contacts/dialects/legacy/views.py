"""Legacy REST: ``GET``/``PUT /api/2.0/contacts/{id}`` (seed 004)."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.access import ApiKeyOrganizationMixin
from contacts.api.idempotency import IdempotencyRefused, idempotent
from contacts.api.parsers import StrictJSONParser
from contacts.auth.authentication import BasicKeyAuthentication, BearerKeyAuthentication, HeaderKeyAuthentication
from contacts.auth.principal import request_actor
from contacts.dialects.legacy.operations import get_contact, get_history, update_contact
from contacts.dialects.legacy.wire import LegacyError, error_body, refusal
from contacts.dialects.refusals import Refusals, RefusingView
from contacts.services import Channel


def _translate(exc: Exception) -> tuple[int, dict] | None:
    if isinstance(exc, LegacyError):
        return exc.status, error_body(exc.code, exc.message, exc.prop)
    if isinstance(exc, IdempotencyRefused):
        return exc.status_code, error_body(exc.envelope_code, str(exc.detail))
    return None


#: ``{"error": {"code", "message", "property"}}`` for every refusal.
REFUSALS = Refusals(name="legacy", prefix="/api/2.0/", body=refusal, translate=_translate)


class LegacyContactView(RefusingView, ApiKeyOrganizationMixin, APIView):
    """Read a contact's properties, or update the properties sent (PARTIAL)."""

    refusals = REFUSALS
    authentication_classes = [BasicKeyAuthentication, HeaderKeyAuthentication, BearerKeyAuthentication]
    parser_classes = [StrictJSONParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, contact_id: str) -> Response:
        return Response(get_contact(self.organization, contact_id))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.INT)
    @idempotent()
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


class LegacyHistoryEntrySerializer(serializers.Serializer):
    """One history entry as the legacy dialect answers it (documentation only)."""

    id = serializers.IntegerField()
    at = serializers.IntegerField(help_text="Unix time.")
    channel = serializers.CharField()
    mode = serializers.CharField()
    actor = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField()


class LegacyContactHistoryView(LegacyContactView):
    """The contact's change history, newest first."""

    @extend_schema(responses=LegacyHistoryEntrySerializer(many=True))
    def get(self, request: Request, contact_id: str) -> Response:
        return Response(get_history(self.organization, contact_id))

    http_method_names = ["get", "head", "options"]
