"""The error answers of every operation, in its dialect's envelope, for the OpenAPI schema
(a drf-spectacular postprocessing hook): the schema says what the server does, refusals
included, so that a client generated from it (and a schema-driven fuzzer) expects them."""

import json
from typing import Any

from contacts.dialects.external import wire as external_wire
from contacts.dialects.legacy import wire as legacy_wire
from contacts.dialects.middleware import refusals_for
from contacts.dialects.native.request_schema import contact_request
from contacts.services import ENGAGEMENT_FIELDS

STRING = {"type": "string"}
#: Each dialect's error envelope (DESIGN §5, §5.1).
ENVELOPES: dict[str, dict[str, Any]] = {
    "native": {
        "type": "object",
        "required": ["status", "code", "message", "errors"],
        "properties": {
            "status": {"type": "integer"},
            "code": STRING,
            "message": STRING,
            "errors": {
                "type": "object",
                "description": "JSON Pointer into the request body → messages.",
                "additionalProperties": {"type": "array", "items": STRING},
            },
            "existingId": {"type": "integer", "description": "409 on create: the contact that has the externalId."},
        },
    },
    "keyed": {
        "type": "object",
        "required": ["replyCode", "replyText", "data"],
        "properties": {"replyCode": {"type": "integer"}, "replyText": STRING, "data": {}},
    },
    "external": {
        "type": "object",
        "required": ["success", "error"],
        "properties": {
            "success": {"type": "boolean", "enum": [False]},
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {"code": STRING, "message": STRING, "details": {"type": "object"}},
            },
        },
    },
    "legacy": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "property"],
                "properties": {"code": STRING, "message": STRING, "property": {"type": "string", "nullable": True}},
            }
        },
    },
}
COMPONENT = {name: f"{name.capitalize()}Error" for name in ENVELOPES}

#: What every operation may answer besides its success.
ANY_OPERATION = {
    400: "The request is malformed or invalid; every problem is named.",
    401: "Missing or wrong credentials.",
    403: "The credentials lack the scope this operation needs.",
    404: "No such organization, object or route (another tenant's included).",
    405: "The method is not allowed here.",
    406: "No acceptable representation for the Accept header.",
    411: "A chunked body without Content-Length.",
    413: "The body is larger than 5 MiB.",
    414: "The URL is longer than the server's request line limit (answered by the HTTP server).",
    429: "Over the API key's rate limit; see Retry-After.",
    503: "The database cannot be reached; see Retry-After.",
}
#: What a write may answer too.
WRITES = {
    409: "Conflict with stored data: an external id taken on create, a record type still in use.",
    412: "If-Match names another version of the contact.",
    415: "Unsupported Content-Type.",
}
#: Answered outside the application, without a body of ours.
BODILESS = {414}


def _properties(names: object, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "description": description,
        "properties": {name: {} for name in sorted(names)},
    }


#: The key-only dialects' bodies: the names they read (values are checked by the engine).
REQUEST_BODIES = {
    ("/external/v1/contacts/{uid}", "put"): _properties(
        {"name", *external_wire.FIELDS},
        "Only the fields sent change; tags and custom_fields replace the stored ones (seed 001).",
    ),
    ("/api/2.0/contacts/{contact_id}", "put"): _properties(
        {
            *legacy_wire.SCALARS,
            *legacy_wire.ADDRESS,
            *legacy_wire.ID_LISTS,
            *ENGAGEMENT_FIELDS,
            "date_of_birth",
            "tags",
            "create_notifications",
            "id",
            "date_create",
        },
        "Seed 004 properties; read-only ones may be echoed with their stored value.",
    ),
    # Each item is checked on its own and a failing one is reported in ``results`` (DESIGN §4).
    ("/rest/contacts/{organization_id}/batch", "put"): {
        "type": "array",
        "maxItems": 1000,
        "items": {"description": "A contact as for PUT, with its id (or externalId); checked item by item."},
    },
    ("/rest/contacts/{organization_id}/batch", "patch"): {
        "type": "array",
        "maxItems": 1000,
        "items": {"description": '{"id" (or "externalId"), "operations": [...]}; checked item by item.'},
    },
}


def document_error_answers(result: dict, generator: object, request: object, public: bool) -> dict:
    """Add each dialect's envelope as a component and reference it from every operation's
    documented refusals (kept where an operation documents its own); request bodies admit
    no keys beyond their fields."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    # The contact bodies as the engine reads them (the serializers only render answers).
    schemas["ContactInputRequest"] = contact_request(full=True)
    schemas["PatchedContactInputRequest"] = contact_request(full=False)
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            # Every endpoint refuses unknown body keys (contacts.api.strict, the engine).
            component["additionalProperties"] = False
    for name, envelope in ENVELOPES.items():
        schemas[COMPONENT[name]] = envelope
    _drop_unused_request_components(result)
    for path, operations in result.get("paths", {}).items():
        dialect = refusals_for(path + "/").name
        reference = {"$ref": f"#/components/schemas/{COMPONENT[dialect]}"}
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {**ANY_OPERATION, **(WRITES if method in ("post", "put", "patch", "delete") else {})}
            for code, description in codes.items():
                answer = {"description": description}
                if code not in BODILESS:
                    answer["content"] = {"application/json": {"schema": reference}}
                operation["responses"].setdefault(str(code), answer)
            body = REQUEST_BODIES.get((path, method))
            if body is not None:
                for media in operation["requestBody"]["content"].values():
                    media["schema"] = body
    return result


def _drop_unused_request_components(result: dict) -> None:
    """Request components that only the replaced contact bodies referred to."""
    schemas = result["components"]["schemas"]
    while True:
        text = json.dumps({"paths": result["paths"], "schemas": schemas}, default=str)
        unused = [name for name in schemas if name.endswith("Request") and f'/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
