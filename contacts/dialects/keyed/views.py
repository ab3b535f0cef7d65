"""Keyed dialect views: ``PUT /api/v2/contact`` (single or batch) and the field registry.

They only translate (``wire``), look contacts up by key (selectors) and call the engine.
Every refusal is answered in the ``{"replyCode", "replyText", "data"}`` envelope.
"""

from contextlib import nullcontext
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.access import ApiKeyOrganizationMixin
from contacts.api.idempotency import IdempotencyRefused, idempotent, query_flag
from contacts.auth import Scope
from contacts.auth.authentication import BearerKeyAuthentication, HeaderKeyAuthentication
from contacts.auth.principal import request_actor, request_api_key
from contacts.auth.wsse import WsseAuthentication
from contacts.dialects.keyed import wire
from contacts.dialects.keyed.fields import ATTRIBUTE, Field, choice_value, field_registry
from contacts.dialects.refusals import Refusals, RefusingView
from contacts.ids import parse_id
from contacts.selectors import contact_history_entries, contact_ids_by_attribute, contact_ids_by_key
from contacts.services import BATCH_LIMIT, ChangeSet, Channel, ItemStatus, UpdateMode, apply_updates, rolled_back


def _translate(exc: Exception) -> tuple[int, dict] | None:
    if isinstance(exc, wire.KeyedError):
        return exc.status, wire.reply(exc.data, exc.reply_code, exc.reply_text)
    if isinstance(exc, IdempotencyRefused):
        return exc.status_code, wire.reply("", wire.IDEMPOTENCY_CODES[exc.envelope_code], str(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return 400, wire.reply("", wire.MALFORMED, f"Malformed request: {exc.detail}")
    return None


#: The keyed dialect's switches: ``1`` on, ``0`` (or absent) off.
FLAG = {"type": "integer", "enum": [0, 1]}

#: Every error in the keyed envelope, with DRF's status and authentication headers.
REFUSALS = Refusals(name="keyed", prefix="/api/v2/", body=wire.request_refusal, translate=_translate)


class KeyedView(RefusingView, ApiKeyOrganizationMixin, APIView):
    refusals = REFUSALS
    authentication_classes = [WsseAuthentication, BearerKeyAuthentication, HeaderKeyAuthentication]
    read_scopes = (Scope.CONTACTS_READ, Scope.SETTINGS_READ)


class KeyedContactView(KeyedView):
    """Update one contact (``{"key_id", "<field id>": value, ...}``) or many
    (``{"key_id", "contacts": [...]}``), found by the key field's value."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("create_if_not_exists", FLAG, description="1: create missing contacts"),
            OpenApiParameter("all_or_none", FLAG, description="1: if any item fails, apply none (reply code 1004)"),
        ],
    )
    @idempotent("validate_only")
    def put(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict):
            raise wire.KeyedError(wire.MALFORMED, "Malformed request: the body must be a JSON object.")
        registry = field_registry(self.organization)
        key = wire.key_field(body.get("key_id"), registry)
        if "contacts" not in body:
            return self._single(body, key, registry)
        contacts = body["contacts"]
        if not isinstance(contacts, list) or not all(isinstance(item, dict) for item in contacts):
            raise wire.KeyedError(wire.MALFORMED, "Malformed request: contacts must be a list of objects.")
        if len(contacts) > BATCH_LIMIT:
            raise wire.KeyedError(wire.BATCH_TOO_LARGE, "The request exceeded the maximum batch size 1,000")
        return self._batch(body, contacts, key, registry)

    def _single(self, body: dict, key: str | Field, registry: dict[int, Field]) -> Response:
        [outcome] = self._apply([body], body, key, registry)
        if "error" in outcome:
            code, text, errors = outcome["error"]
            raise wire.KeyedError(code, text, data={"errors": errors} if errors else "")
        data: dict[str, Any] = {"id": outcome["id"]}
        if outcome["created"]:
            data["created"] = True
        if query_flag(self.request, "validate_only"):
            # DESIGN §10: what the change would do (a new contact has no id yet); nothing kept.
            data.update(validateOnly=True, status=outcome["status"], changes=outcome["changes"])
            if outcome["created"]:
                data["id"] = None
        return Response(wire.reply(data))

    def _batch(self, body: dict, contacts: list[dict], key: str | Field, registry: dict[int, Field]) -> Response:
        ids, errors, results = [], {}, []
        for index, outcome in enumerate(self._apply(contacts, body, key, registry)):
            label = outcome["key_value"] if outcome["key_value"] not in (None, "") else f"#{index}"
            if "error" in outcome:
                code, text, _ = outcome["error"]
                errors[str(label)] = {str(code): text}
            else:
                ids.append(outcome["id"])
                results.append({"key": label, "status": outcome["status"], "changes": outcome["changes"]})
        if errors and query_flag(self.request, "all_or_none"):
            # DESIGN §10: one failing item and nothing was committed.
            raise wire.KeyedError(wire.BATCH_NOT_APPLIED, wire.NOT_APPLIED_TEXT, data={"ids": [], "errors": errors})
        data: dict[str, Any] = {"ids": ids, "errors": errors}
        if query_flag(self.request, "validate_only"):
            data.update(validateOnly=True, results=results)
        return Response(wire.reply(data))

    def _apply(self, items: list[dict], body: dict, key: str | Field, registry: dict[int, Field]) -> list[dict]:
        """Translate, find each item's contact by key (one query), and apply them in one batch."""
        create = query_flag(self.request, "create_if_not_exists")
        key_label = key if isinstance(key, str) else str(key.id)
        key_column = key if isinstance(key, str) else key.target
        key_values = [self._key_value(item.get(key_label), key) for item in items]
        if isinstance(key, Field) and key.kind == ATTRIBUTE:
            matches = contact_ids_by_attribute(self.organization, key.target, key_values)
        else:
            matches = contact_ids_by_key(self.organization, key_column, key_values)
        outcomes: list[dict] = []
        pending: list[tuple[dict, wire.ParsedItem, ChangeSet]] = []
        for item, value in zip(items, key_values, strict=True):
            outcome: dict[str, Any] = {"key_value": item.get(key_label), "created": False}
            outcomes.append(outcome)
            parsed = wire.parse_item(item, registry, source_id=body.get("source_id"))
            found = matches.get(str(value).lower() if key_column == "email" else str(value), [])
            if parsed.error:
                outcome["error"] = (*parsed.error, {})
            elif len(found) > 1:
                outcome["error"] = (wire.AMBIGUOUS, wire.ambiguous_text(key_label, item.get(key_label)), {})
            elif found:
                pending.append((outcome, parsed, ChangeSet(values=parsed.values, contact_id=found[0])))
            elif not create:
                outcome["error"] = (wire.NOT_FOUND, wire.not_found_text(key_label, item.get(key_label, "")), {})
            elif isinstance(key, str):
                outcome["error"] = (wire.ID_AS_KEY_ON_CREATE, "Cannot use id or uid as key on contact creation", {})
            elif any(name in parsed.values for name in wire.ID_KEYS):
                outcome["error"] = (wire.ID_SET_ON_CREATE, "Cannot set id or uid on contact creation", {})
            else:
                outcome["created"] = True
                pending.append((outcome, parsed, ChangeSet(values=parsed.values)))
        all_or_none = query_flag(self.request, "all_or_none")
        refused_here = len(pending) < len(outcomes)
        # A dry run, or an all-or-none batch with an item refused here, keeps nothing.
        undo = query_flag(self.request, "validate_only") or (all_or_none and refused_here)
        with rolled_back() if undo else nullcontext():
            results = apply_updates(
                organization=self.organization,
                items=[change for _, _, change in pending],
                mode=UpdateMode.PARTIAL,
                actor=request_actor(self.request),
                channel=Channel.KEYED,
                all_or_none=all_or_none,
            )
        for (outcome, parsed, _), result in zip(pending, results, strict=True):
            if result.status == ItemStatus.ERROR:
                outcome["error"] = wire.refusal(result.problems, parsed)
            else:
                outcome.update(id=result.contact_id, status=result.status.value, changes=self._visible(result.changes))
        return outcomes

    def _visible(self, changes: dict) -> dict:
        """A key that may not read contacts sees only what it sent, not the stored values."""
        if request_api_key(self.request).has_scope(Scope.CONTACTS_READ):
            return changes
        return {name: {"after": change["after"]} for name, change in changes.items()}

    @staticmethod
    def _key_value(raw: object, key: str | Field) -> object:
        return choice_value(key, raw) if isinstance(key, Field) and key.is_choice else raw


class FieldListView(KeyedView):
    """The field registry: system fields and the organization's attributes."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(wire.reply([field.as_json() for field in field_registry(self.organization).values()]))


class FieldChoiceView(KeyedView):
    """The choices of a choice field, with their ids (1-based positions)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, field_id: str) -> Response:
        registry = field_registry(self.organization)
        found = registry.get(int(field_id)) if field_id.isascii() and field_id.isdigit() else None
        if found is None or not found.is_choice:
            raise wire.KeyedError(wire.UNKNOWN_FIELD, f"Unknown choice field id: {field_id}")
        return Response(wire.reply([{"id": str(i), "choice": c} for i, c in enumerate(found.choices, start=1)]))


TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # the stored instants are UTC


class KeyedContactHistoryView(KeyedView):
    """A contact's change history by its id, newest first: contact data, so ``contacts:read``
    alone allows it (the registry's ``settings:read`` does not)."""

    read_scopes = (Scope.CONTACTS_READ,)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, contact_id: str) -> Response:
        matches = contact_ids_by_key(self.organization, "id", [contact_id])
        if not matches:
            raise wire.KeyedError(wire.NOT_FOUND, wire.not_found_text("id", contact_id))
        entries = contact_history_entries(self.organization, matches[str(parse_id(contact_id))][0])
        return Response(wire.reply([{**entry, "at": entry["at"].strftime(TIMESTAMP)} for entry in entries]))
