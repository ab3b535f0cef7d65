"""Native dialect views: thin — they route, translate with ``wire``, call selectors or the
engine, and render. Errors come from one exception handler (``errors``)."""

from contextlib import nullcontext
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnDict
from rest_framework.views import APIView

from contacts.api.access import OrganizationScopedMixin
from contacts.api.errors import NativeError, missing_contact_error, missing_organization_error, summarize
from contacts.api.idempotency import idempotent, query_flag
from contacts.api.parsers import JSONPatchParser, StrictJSONParser
from contacts.auth import Scope
from contacts.auth.principal import has_scope, request_actor
from contacts.dialects.native import wire
from contacts.dialects.native.errors import errors_by_pointer, native_contact_exception_handler
from contacts.dialects.native.patch import parse_operations
from contacts.dialects.native.render import render_contact
from contacts.dialects.native.serializers import (
    BatchResultSerializer,
    ContactInputSerializer,
    ContactOutputSerializer,
    HistoryEntrySerializer,
    MembershipInputSerializer,
    MembershipOutputSerializer,
    PatchBatchItemSerializer,
    PatchOperationSerializer,
)
from contacts.dialects.spreadsheet.views import CSVExportMixin, CSVRenderer
from contacts.documents import ContactDocuments, read_contact
from contacts.filters import ContactFilter
from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.ids import parse_id
from contacts.selectors import contact_history, contact_identity, contacts_for_read
from contacts.services import (
    BATCH_LIMIT,
    BatchTooLarge,
    ChangeSet,
    Channel,
    ItemResult,
    UpdateMode,
    apply_update,
    apply_updates,
    change_group_membership,
    delete_contact,
    rolled_back,
)


def etag_for(contact_id: int, version: int) -> str:
    """Strong validator: every applied change bumps the contact's version."""
    return f'"{contact_id}-{version}"'


class NativeContactView(OrganizationScopedMixin, generics.GenericAPIView):
    """Base of the native contact endpoints: scope per method, engine errors enveloped."""

    serializer_class = ContactOutputSerializer

    def get_exception_handler(self):
        return native_contact_exception_handler

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no organization
            return contacts_for_read(None).none()
        return contacts_for_read(self.organization)

    def get_object(self):
        """The contact of the URL (also what OPTIONS and the browsable API's forms ask for)."""
        contact_id = parse_id(self.kwargs.get("contact_id"))
        contact = self.get_queryset().filter(pk=contact_id).first() if contact_id else None
        if contact is None:
            raise NotFound("Contact not found.")
        return contact

    def object_body(self, request: Request) -> dict[str, Any]:
        if not isinstance(request.data, dict):
            raise ParseError("The body must be a JSON object.")
        return request.data

    def rendered_contact(self, contact_id: int | None) -> dict[str, Any]:
        """The contact as the native API renders it, read in one statement (404 if none)."""
        document = read_contact(self.organization, contact_id) if contact_id else None
        if document is None:
            raise NotFound("Contact not found.")
        body = render_contact(document)
        if isinstance(getattr(self.request, "accepted_renderer", None), BrowsableAPIRenderer):
            # The browsable API fills its PUT and PATCH forms from the serializer's contact.
            return ReturnDict(body, serializer=self.get_serializer(self.get_queryset().get(pk=contact_id)))
        return body

    def contact_response(self, contact_id: int, status_code: int = status.HTTP_200_OK, **headers: str) -> Response:
        """The whole contact as stored, with its ETag. A caller that may write but not read
        contacts learns only what it wrote: the id and the new version."""
        if not has_scope(self.request, Scope.CONTACTS_READ):
            contact = contact_identity(self.organization, contact_id)
            body = {"id": contact.pk, "version": contact.version}
            return Response(
                body, status=status_code, headers={"ETag": etag_for(contact.pk, contact.version), **headers}
            )
        body = self.rendered_contact(contact_id)
        return Response(body, status=status_code, headers={"ETag": etag_for(body["id"], body["version"]), **headers})

    def validate_only(self) -> bool:
        """``?validateOnly=true``: run the whole change and undo it (DESIGN §10)."""
        return query_flag(self.request, "validateOnly")

    def dry_run_response(self, item: ChangeSet, mode: UpdateMode) -> Response:
        """What the change would do: its status, the contact as it would read (a new contact
        has no id or uid yet) and the changed fields, before → after; nothing is kept. A
        refused change answers exactly as the real call would."""
        with rolled_back():
            result = self.apply(item, mode)
            contact = dict(self.contact_response(result.contact_id).data)
        if result.status == "created":
            contact.update(id=None, uid=None)
        return Response(
            {
                "validateOnly": True,
                "status": result.status.value,
                "contact": contact,
                "changes": self.visible_changes(result.changes),
            }
        )

    def visible_changes(self, changes: dict) -> dict:
        """Changes in wire names; a caller that may not read contacts sees only what it sent."""
        rendered = wire.render_changes(changes)
        if has_scope(self.request, Scope.CONTACTS_READ):
            return rendered
        return {name: {"after": change["after"]} for name, change in rendered.items()}

    def apply(self, item: ChangeSet, mode: UpdateMode) -> ItemResult:
        return apply_update(
            organization=self.organization,
            item=item,
            mode=mode,
            actor=request_actor(self.request),
            channel=Channel.NATIVE,
        )


class ContactPageMixin:
    """JSON lists of contacts: a page costs its count, then its contacts in one statement."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        documents = ContactDocuments(self.organization, self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(documents)
        return self.get_paginated_response([render_contact(document) for document in page])


ALL_OR_NONE = OpenApiParameter(
    "allOrNone",
    OpenApiTypes.BOOL,
    description="If any item fails, apply none: 400 BATCH_NOT_APPLIED listing every item.",
)
MISSING_CONTACT_ID = "Always 404 `MISSING_CONTACT_ID` (DESIGN §5): name the contact in the URL."


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="`csv`: every contact the filters select (no pages), streamed as CSV in the "
                "spreadsheet import's columns (`Accept: text/csv` does the same).",
            )
        ],
        responses={
            (200, "application/json"): ContactOutputSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
)
class ContactListView(CSVExportMixin, ContactPageMixin, NativeContactView, generics.ListAPIView):
    """Contacts of an organization: list (filtered, paginated, or whole as CSV) and create."""

    filterset_class = ContactFilter
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    @extend_schema(
        request=ContactInputSerializer,
        responses={201: ContactOutputSerializer, 200: ContactOutputSerializer},
        parameters=[
            OpenApiParameter("upsert", OpenApiTypes.BOOL, description="Update the contact with this externalId.")
        ],
    )
    @idempotent("validateOnly")
    def post(self, request: Request, organization_id: str) -> Response:
        """Create a contact (FULL rules). An existing ``externalId`` answers 409, unless
        ``?upsert=true``, which applies a FULL update to that contact."""
        body = self.object_body(request)
        existing = None
        external_id = body.get("externalId")
        if query_flag(request, "upsert") and isinstance(external_id, str):
            existing = contact_ids_by_external_id(self.organization, [external_id]).get(external_id)
        item = wire.parse_contact(body, contact_id=existing, ignore_id=True)
        if self.validate_only():
            return self.dry_run_response(item, UpdateMode.FULL)
        result = self.apply(item, UpdateMode.FULL)
        if existing is not None:
            return self.contact_response(result.contact_id)
        location = request.build_absolute_uri(f"/rest/contacts/{self.organization.pk}/{result.contact_id}")
        return self.contact_response(result.contact_id, status.HTTP_201_CREATED, Location=location)

    @extend_schema(
        operation_id="rest_contacts_put_without_id", request=None, responses={404: None}, description=MISSING_CONTACT_ID
    )
    def put(self, request: Request, organization_id: str) -> Response:
        raise missing_contact_error()

    @extend_schema(
        operation_id="rest_contacts_patch_without_id",
        request=None,
        responses={404: None},
        description=MISSING_CONTACT_ID,
    )
    def patch(self, request: Request, organization_id: str) -> Response:
        raise missing_contact_error()

    @extend_schema(
        operation_id="rest_contacts_delete_without_id",
        request=None,
        responses={404: None},
        description=MISSING_CONTACT_ID,
    )
    def delete(self, request: Request, organization_id: str) -> Response:
        raise missing_contact_error()


class ContactDetailView(NativeContactView):
    """One whole contact: read (with ``ETag``), FULL replace, PARTIAL or OPS update, delete."""

    parser_classes = [StrictJSONParser, JSONPatchParser]

    def contact_id(self) -> int:
        contact_id = parse_id(self.kwargs["contact_id"])
        if contact_id is None:
            raise NotFound("Contact not found.")
        return contact_id

    def expected_version(self, request: Request, contact_id: int) -> int | None:
        """The version named by ``If-Match`` (412 when it names another representation)."""
        header = request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        tag = header.removeprefix("W/").strip('"')
        owner, _, version = tag.partition("-")
        if parse_id(owner) != contact_id or not (version.isascii() and version.isdigit()):
            raise NativeError(
                status_code=status.HTTP_412_PRECONDITION_FAILED,
                code="PRECONDITION_FAILED",
                message="If-Match does not match the contact's current ETag.",
            )
        return int(version)

    def get(self, request: Request, organization_id: str, contact_id: str) -> Response:
        body = self.rendered_contact(parse_id(contact_id))
        return Response(body, headers={"ETag": etag_for(body["id"], body["version"])})

    @extend_schema(request=ContactInputSerializer)
    @idempotent("validateOnly")
    def put(self, request: Request, organization_id: str, contact_id: str) -> Response:
        """FULL replace (seed 002): omitted fields are cleared, lists replaced, groups only added."""
        return self._update(request, UpdateMode.FULL)

    @extend_schema(
        request={
            "application/json": ContactInputSerializer,
            "application/json-patch+json": PatchOperationSerializer(many=True),
        }
    )
    @idempotent("validateOnly")
    def patch(self, request: Request, organization_id: str, contact_id: str) -> Response:
        """PARTIAL update with a JSON object (only the fields present change), or OPS with
        ``application/json-patch+json`` (operations applied atomically; ``remove`` may take
        the contact out of a group)."""
        if request.content_type.startswith(JSONPatchParser.media_type):
            return self._patch_operations(request)
        return self._update(request, UpdateMode.PARTIAL)

    def _patch_operations(self, request: Request) -> Response:
        contact_id = self.contact_id()
        item, errors = parse_operations(
            request.data, contact_id=contact_id, expected_version=self.expected_version(request, contact_id)
        )
        if errors:
            raise NativeError(status_code=400, code="VALIDATION_ERROR", message=summarize(errors), errors=errors)
        if self.validate_only():
            return self.dry_run_response(item, UpdateMode.OPS)
        result = self.apply(item, UpdateMode.OPS)
        return self.contact_response(result.contact_id)

    def _update(self, request: Request, mode: UpdateMode) -> Response:
        contact_id = self.contact_id()
        body = self.object_body(request)
        item = wire.parse_contact(
            body,
            contact_id=contact_id,
            ignore_id=mode == UpdateMode.FULL,
            expected_version=self.expected_version(request, contact_id),
        )
        if self.validate_only():
            return self.dry_run_response(item, mode)
        result = self.apply(item, mode)
        return self.contact_response(result.contact_id)

    @extend_schema(responses={204: None})
    @idempotent()
    def delete(self, request: Request, organization_id: str, contact_id: str) -> Response:
        deleted = delete_contact(
            organization=self.organization,
            contact_id=self.contact_id(),
            actor=request_actor(request),
            channel=Channel.NATIVE,
        )
        if not deleted:
            raise NotFound("Contact not found.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactBatchView(NativeContactView):
    """Up to 1,000 contacts, each named by ``id`` or else ``externalId``: FULL updates
    (``PUT``, contacts) or OPS (``PATCH``, ``{"id" | "externalId", "operations": [...]}``).
    Each item stands alone unless ``?allOrNone=true``; ``?validateOnly=true`` keeps nothing."""

    serializer_class = BatchResultSerializer
    parser_classes = [StrictJSONParser, JSONPatchParser]

    @extend_schema(request=ContactInputSerializer(many=True), responses=BatchResultSerializer, parameters=[ALL_OR_NONE])
    @idempotent("validateOnly")
    def put(self, request: Request, organization_id: str) -> Response:
        def translate(item: dict, contact_id: int) -> tuple[ChangeSet | None, dict]:
            return wire.parse_contact(item, contact_id=contact_id, ignore_id=True), {}

        return self._batch(request.data, UpdateMode.FULL, translate)

    @extend_schema(
        request=PatchBatchItemSerializer(many=True), responses=BatchResultSerializer, parameters=[ALL_OR_NONE]
    )
    @idempotent("validateOnly")
    def patch(self, request: Request, organization_id: str) -> Response:
        def translate(item: dict, contact_id: int) -> tuple[ChangeSet | None, dict]:
            unknown = sorted(set(item) - {"id", "externalId", "operations"}, key=str)
            if unknown:
                return None, {f"/{key}": ["Unknown field."] for key in unknown}
            changeset, errors = parse_operations(item.get("operations"), contact_id=contact_id, expected_version=None)
            return changeset, {f"/operations{pointer}": messages for pointer, messages in errors.items()}

        return self._batch(request.data, UpdateMode.OPS, translate)

    def _batch(self, body: object, mode: UpdateMode, translate) -> Response:
        """Name each item's contact (one query for external ids), translate it, and apply
        the batch in one engine call; every item is reported at its index."""
        if not isinstance(body, list):
            raise ParseError("The body must be a JSON array of contacts.")
        if len(body) > BATCH_LIMIT:
            raise BatchTooLarge(len(body), BATCH_LIMIT)
        external_ids = contact_ids_by_external_id(
            self.organization, [item.get("externalId") for item in body if isinstance(item, dict) and "id" not in item]
        )
        rows: list[dict[str, Any]] = [{"index": index, "id": None} for index in range(len(body))]
        items, positions = [], []
        for index, item in enumerate(body):
            error = _batch_item_error(item)
            if error:
                rows[index].update(status="error", errors=error)
                continue
            if "id" in item:
                contact_id = parse_id(item["id"])
            else:
                external_id = item.get("externalId")
                contact_id = external_ids.get(external_id) if isinstance(external_id, str) else None
            if contact_id is None:
                pointer = "/id" if "id" in item else "/externalId"
                rows[index].update(status="error", errors={pointer: ["Contact not found."]})
                continue
            changeset, errors = translate(item, contact_id)
            if errors:
                rows[index].update(id=contact_id, status="error", errors=errors)
                continue
            items.append(changeset)
            positions.append(index)
        return self._apply_batch(rows, items, positions, mode, refused_here=len(items) < len(body))

    def _apply_batch(
        self,
        rows: list[dict[str, Any]],
        items: list[ChangeSet],
        positions: list[int],
        mode: UpdateMode,
        *,
        refused_here: bool,
    ) -> Response:
        validate_only = self.validate_only()
        all_or_none = query_flag(self.request, "allOrNone")
        # An item refused before the engine also keeps an all-or-none batch from applying.
        undo = validate_only or (all_or_none and refused_here)
        with rolled_back() if undo else nullcontext():
            results = apply_updates(
                organization=self.organization,
                items=items,
                mode=mode,
                actor=request_actor(self.request),
                channel=Channel.NATIVE,
                all_or_none=all_or_none,
            )
        not_applied = all_or_none and (refused_here or any(result.status == "error" for result in results))
        for index, result in zip(positions, results, strict=True):
            status_ = "notApplied" if not_applied and result.status != "error" else result.status.value
            rows[index].update(id=result.contact_id, status=status_)
            if result.status == "error":
                operations_at = "/operations" if mode == UpdateMode.OPS else ""
                rows[index]["errors"] = errors_by_pointer(result.problems, operations_at=operations_at)
            elif validate_only and not not_applied:
                rows[index]["changes"] = self.visible_changes(result.changes)
        if not_applied:
            raise NativeError(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="BATCH_NOT_APPLIED",
                message="An item failed, so no item was applied (allOrNone).",
                extra={"results": rows},
            )
        return Response({"validateOnly": True, "results": rows} if validate_only else {"results": rows})


def _batch_item_error(item: object) -> dict[str, list[str]] | None:
    if not isinstance(item, dict):
        return {"": ["Each item must be a JSON object."]}
    if "id" not in item and not item.get("externalId"):
        return {"/id": ["Each item needs an id, or an externalId when id is absent."]}
    return None


class ContactHistoryView(OrganizationScopedMixin, generics.ListAPIView):
    """A contact's change history, newest first."""

    serializer_class = HistoryEntrySerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no organization
            return contact_history(None, 0).none()
        contact_id = parse_id(self.kwargs["contact_id"])
        if not contact_id or not contacts_for_read(self.organization).filter(pk=contact_id).exists():
            raise NotFound("Contact not found.")
        return contact_history(self.organization, contact_id)


class GroupMembershipView(OrganizationScopedMixin, generics.GenericAPIView):
    """Add contacts to a group (POST) or remove them from it (DELETE)."""

    serializer_class = MembershipOutputSerializer

    def get_exception_handler(self):
        return native_contact_exception_handler

    @extend_schema(request=MembershipInputSerializer, responses=MembershipOutputSerializer)
    @idempotent()
    def post(self, request: Request, organization_id: str) -> Response:
        return self._change(request, add=True)

    @extend_schema(request=MembershipInputSerializer, responses=MembershipOutputSerializer)
    @idempotent()
    def delete(self, request: Request, organization_id: str) -> Response:
        return self._change(request, add=False)

    def _change(self, request: Request, *, add: bool) -> Response:
        serializer = MembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = change_group_membership(
            organization=self.organization,
            group_id=data.get("groupId"),
            group_name=data.get("groupName"),
            contact_ids=data.get("contactIds", []),
            external_ids=data.get("externalIds", []),
            add=add,
            actor=request_actor(request),
            channel=Channel.NATIVE,
        )
        return Response(
            {"groupId": result.group_id, "changed": list(result.changed), "unchanged": list(result.unchanged)}
        )


class MissingOrganizationView(APIView):
    """``/rest/contacts`` without an organization id answers 401 Missing Organization Id."""

    authentication_classes: list = []
    permission_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs) -> None:
        raise missing_organization_error()
