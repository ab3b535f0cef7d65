"""External dialect views: ``GET``/``PUT /external/v1/contacts/{uid}`` (seed 001)."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.access import ApiKeyOrganizationMixin
from contacts.api.idempotency import IdempotencyRefused, idempotent
from contacts.auth import Scope
from contacts.auth.authentication import BearerKeyAuthentication, HeaderKeyAuthentication
from contacts.auth.principal import request_actor, request_api_key
from contacts.dialects.external import wire
from contacts.dialects.refusals import Refusals, RefusingView
from contacts.documents import ContactDocuments
from contacts.selectors import contact_history_entries, contacts_for_read
from contacts.services import Channel, ProblemCode, UpdateMode, UpdateRejected, apply_update


def _translate(exc: Exception) -> tuple[int, dict] | None:
    if isinstance(exc, IdempotencyRefused):
        return exc.status_code, wire.error_body(exc.envelope_code, str(exc.detail))
    if not isinstance(exc, UpdateRejected):
        return None
    if any(problem.code == ProblemCode.NOT_FOUND for problem in exc.problems):
        return 404, wire.error_body("NOT_FOUND", "Contact not found")
    return 400, wire.error_body("VALIDATION_ERROR", "Invalid field values", wire.details(exc.problems))


#: ``{"success": false, "error": {"code", "message", "details"}}`` for every refusal.
REFUSALS = Refusals(name="external", prefix="/external/", body=wire.refusal, translate=_translate)


class ExternalContactView(RefusingView, ApiKeyOrganizationMixin, APIView):
    """Read or partially update a contact by its public id (``cnt_…``). Only the fields
    sent change; ``tags`` and ``custom_fields`` replace the stored ones."""

    refusals = REFUSALS
    authentication_classes = [HeaderKeyAuthentication, BearerKeyAuthentication]

    def _contact(self, uid: str) -> dict:
        """The contact document of this public id, read in one statement."""
        found = ContactDocuments(self.organization, contacts_for_read(self.organization).filter(uid=uid))[:1]
        if not found:
            raise exceptions.NotFound("Contact not found")
        return found[0]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, uid: str) -> Response:
        return Response({"success": True, "data": wire.render_contact(self._contact(uid))})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @idempotent()
    def put(self, request: Request, uid: str) -> Response:
        contact = self._contact(uid)
        if not isinstance(request.data, dict):
            raise exceptions.ParseError("The body must be a JSON object.")
        apply_update(
            organization=self.organization,
            item=wire.parse_contact(request.data, contact_id=contact["id"]),
            mode=UpdateMode.PARTIAL,
            actor=request_actor(request),
            channel=Channel.EXTERNAL,
        )
        if not request_api_key(request).has_scope(Scope.CONTACTS_READ):
            # A write-only key learns only which contact it wrote (README, "Credentials").
            return Response({"success": True, "data": {"id": contact["uid"]}})
        return Response({"success": True, "data": wire.render_contact(self._contact(uid))})


class ExternalContactHistoryView(ExternalContactView):
    """The contact's change history, newest first, whichever dialect made each change."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, uid: str) -> Response:
        contact = self._contact(uid)
        return Response(
            {"success": True, "data": wire.render_history(contact_history_entries(self.organization, contact["id"]))}
        )

    http_method_names = ["get", "head", "options"]
