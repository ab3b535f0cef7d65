"""Native wire names ↔ canonical names (pure translation, no rules).

``parse_contact`` turns a camelCase JSON object into a ChangeSet; ``pointer_for`` turns a
canonical problem location back into a JSON Pointer into the request body.
"""

from typing import Any

from contacts.services import ChangeSet, Problem, ProblemCode

ENGAGEMENT_WIRE_NAMES = {
    "score": "score",
    "rating": "rating",
    "emailStatus": "email_status",
    "emailBounceHardCount": "email_bounce_hard_count",
    "emailBounceSoftCount": "email_bounce_soft_count",
    "blockBounceCount": "block_bounce_count",
    "smsBounceHardCount": "sms_bounce_hard_count",
    "smsBounceSoftCount": "sms_bounce_soft_count",
    "smsBounceConsecutiveCount": "sms_bounce_consecutive_count",
    "complaintsCount": "complaints_count",
    "forwardCount": "forward_count",
    "inviteCount": "invite_count",
    "bounceUnidentifiedCount": "bounce_unidentified_count",
    "autoresponderCount": "autoresponder_count",
    "emailMessageIds": "email_message_ids",
    "smsMessageIds": "sms_message_ids",
    "emailMessageCount": "email_message_count",
    "smsMessageCount": "sms_message_count",
    "messageReadsInferred": "message_reads_inferred",
    "messageReadsUnique": "message_reads_unique",
    "messageLinkClicks": "message_link_clicks",
    "messageLinkClicksUnique": "message_link_clicks_unique",
}

TOP_LEVEL = {
    "id": "id",
    "uid": "uid",
    "externalId": "external_id",
    "firstName": "first_name",
    "lastName": "last_name",
    "middleInitial": "middle_initial",
    "suffix": "suffix",
    "title": "title",
    "email": "email",
    "phone": "phone",
    "phoneHome": "phone_home",
    "fax": "fax",
    "timezoneId": "timezone_id",
    "preferredEmailFormat": "preferred_email_format",
    "status": "status",
    "companyName": "company_name",
    "companyPosition": "company_position",
    "department": "department",
    "industry": "industry",
    "linkedinUrl": "linkedin_url",
    "birthDate": "birth_date",
    "gender": "gender",
    "maritalStatus": "marital_status",
    "educationLevel": "education_level",
    "countryId": "country_id",
    "cityId": "city_id",
    "hashKey": "hash_key",
    "customFields": "custom_fields",
    "recordTypeId": "record_type_id",
    "recordTypeName": "record_type_name",
    "groups": "groups",
    "groupsName": "group_names",
    "topics": "topics",
    "tags": "tags",
    "addresses": "addresses",
    "paths": "paths",
    "contactAttributes": "attributes",
    "sourceId": "source_id",
    "createdSourceId": "created_source_id",
    "modifiedSourceId": "modified_source_id",
    "version": "version",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    **ENGAGEMENT_WIRE_NAMES,
}
ADDRESS = {
    "locationName": "location_name",
    "streetAddress": "street_address",
    "suite": "suite",
    "city": "city",
    "state": "state",
    "postalCode": "postal_code",
    "country": "country",
}
GIS = {"lat": "latitude", "lon": "longitude"}
PATH = {
    "pathId": "path_id",
    "prompt": "prompt",
    "value": "value",
    "countryCode": "country_code",
    "skipValidation": "skip_validation",
    "quietTimeFrames": "quiet_time_frames",
}
FRAME = {
    "name": "name",
    "days": "days",
    "fromHour": "from_hour",
    "fromMin": "from_min",
    "toHour": "to_hour",
    "toMin": "to_min",
}
ATTRIBUTE = {"orgAttrId": "org_attr_id", "name": "name", "values": "values"}

MEMBERSHIP = {
    "groupId": "group_id",
    "groupName": "group_name",
    "contactIds": "contact_ids",
    "externalIds": "external_ids",
}
CANONICAL_TOP_LEVEL = {canonical: wire for wire, canonical in {**TOP_LEVEL, **MEMBERSHIP}.items()}
NESTED = {"addresses": ADDRESS, "paths": PATH, "attributes": ATTRIBUTE}


class Translator:
    """Renames wire keys to canonical ones, collecting the unknown ones (in wire tokens) so
    that a canonical name sent in the wrong place is refused, not silently accepted."""

    def __init__(self) -> None:
        self.unknown: list[tuple] = []

    def rename(self, item: Any, names: dict[str, str], at: tuple) -> Any:
        if not isinstance(item, dict):
            return item  # the engine reports a non-object where one is expected
        renamed = {}
        for key, value in item.items():
            if key in names:
                renamed[names[key]] = value
            else:
                self.unknown.append((*at, key))
        return renamed

    def address(self, item: Any, at: tuple) -> Any:
        if not isinstance(item, dict):
            return item
        renamed = self.rename({k: v for k, v in item.items() if k != "gisLocation"}, ADDRESS, at)
        gis = item.get("gisLocation")
        if isinstance(gis, dict):
            renamed.update(self.rename(gis, GIS, (*at, "gisLocation")))
        elif gis is not None:
            # Not an object: no coordinate can be read from it, so the engine reports it at
            # /gisLocation/lat (a list is never a number; a bare 0 would pass as one).
            renamed["latitude"] = [gis]
        return renamed

    def path(self, item: Any, at: tuple) -> Any:
        renamed = self.rename(item, PATH, at)
        frames = renamed.get("quiet_time_frames") if isinstance(renamed, dict) else None
        if isinstance(frames, list):
            renamed["quiet_time_frames"] = [
                self.rename(frame, FRAME, (*at, "quietTimeFrames", index)) for index, frame in enumerate(frames)
            ]
        return renamed


def parse_contact(
    body: dict[str, Any], *, contact_id: int | None = None, ignore_id: bool = False, expected_version: int | None = None
) -> ChangeSet:
    """A native contact object → ChangeSet. ``ignore_id``: FULL ignores ``id`` (seed 002).
    Unknown keys, at any depth, are reported at their JSON Pointer."""
    translator = Translator()
    values: dict[str, Any] = {}
    for key, value in body.items():
        name = TOP_LEVEL.get(key)
        if name is None:
            translator.unknown.append((key,))
        elif name == "id" and ignore_id:
            continue
        elif name == "addresses" and isinstance(value, list):
            values[name] = [translator.address(item, (key, index)) for index, item in enumerate(value)]
        elif name == "paths" and isinstance(value, list):
            values[name] = [translator.path(item, (key, index)) for index, item in enumerate(value)]
        elif name == "attributes" and isinstance(value, list):
            values[name] = [translator.rename(item, ATTRIBUTE, (key, index)) for index, item in enumerate(value)]
        else:
            values[name] = value
    return ChangeSet(
        values=values, contact_id=contact_id, expected_version=expected_version, unknown=tuple(translator.unknown)
    )


def _escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_for(problem: Problem) -> str:
    """The JSON Pointer of a problem in the native request body. Unknown keys are located
    in wire tokens already (``parse_contact``)."""
    location = list(problem.location)
    if not location:
        return ""
    if location[0] == "operations":  # OPS: into the array of operations
        return "".join("/" + _escape(token) for token in location[1:])
    if problem.code == ProblemCode.UNKNOWN_FIELD:
        return "".join("/" + _escape(token) for token in location)
    head = location[0]
    tokens = [CANONICAL_TOP_LEVEL.get(head, head)]
    names = {canonical: wire for wire, canonical in NESTED.get(head, {}).items()}
    for token in location[1:]:
        if isinstance(token, int):
            tokens.append(token)
        elif head == "addresses" and token in GIS.values():
            tokens.extend(["gisLocation", "lat" if token == "latitude" else "lon"])
        elif token == "quiet_time_frames":
            tokens.append("quietTimeFrames")
            names = {canonical: wire for wire, canonical in FRAME.items()}
        else:
            tokens.append(names.get(token, token))
    return "".join("/" + _escape(token) for token in tokens)


def render_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """A history entry's ``{canonical field: {before, after}}`` in native wire names and
    shapes (DESIGN §10: native ``/history`` speaks camelCase, like the contact itself)."""
    return {
        CANONICAL_TOP_LEVEL.get(name, name): {side: _wire_value(name, change.get(side)) for side in ("before", "after")}
        for name, change in changes.items()
    }


def _wire_value(name: str, value: Any) -> Any:
    """Nested items (addresses, paths with their frames, attribute values) with wire keys."""
    if name not in NESTED or not isinstance(value, list):
        return value
    return [_wire_item(name, item) if isinstance(item, dict) else item for item in value]


def _wire_item(name: str, item: dict[str, Any]) -> dict[str, Any]:
    names = {canonical: wire for wire, canonical in NESTED[name].items()}
    rendered: dict[str, Any] = {}
    for key, value in item.items():
        if name == "addresses" and key in GIS.values():
            location = rendered.setdefault("gisLocation", {"lat": None, "lon": None})
            location["lat" if key == "latitude" else "lon"] = value
        elif key == "quiet_time_frames" and isinstance(value, list):
            frame_names = {canonical: wire for wire, canonical in FRAME.items()}
            rendered["quietTimeFrames"] = [
                {frame_names.get(k, k): v for k, v in frame.items()} if isinstance(frame, dict) else frame
                for frame in value
            ]
        else:
            rendered[names.get(key, key)] = value
    if rendered.get("gisLocation") == {"lat": None, "lon": None}:
        rendered["gisLocation"] = None
    return rendered
