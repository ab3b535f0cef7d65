"""The native contact (DESIGN §5.1) rendered from a contact document (``contacts.documents``)
by plain functions: field for field, in the same order, types and formats as
``ContactOutputSerializer``, which stays the documented shape (OpenAPI) of what these return.
A DRF field per value costs more than reading the contact did."""

import datetime
from collections.abc import Mapping
from typing import Any

from contacts.dialects.native.wire import ENGAGEMENT_WIRE_NAMES

#: Engagement figures: wire name, attname and how the serializer's field renders the value.
ENGAGEMENT = tuple(
    (
        wire,
        source,
        float if source == "score" else str if source == "email_status" else list if source.endswith("_ids") else int,
    )
    for wire, source in ENGAGEMENT_WIRE_NAMES.items()
)


def render_contact(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact document as the native API answers it."""
    groups = contact["groups"]
    birth_date = contact["birth_date"]
    rendered = {
        "id": contact["id"],
        "uid": contact["uid"],
        "externalId": contact["external_id"],
        "recordTypeId": contact["record_type_id"],
        "recordTypeName": contact["record_type_name"],
        "firstName": contact["first_name"],
        "lastName": contact["last_name"],
        "middleInitial": contact["middle_initial"],
        "suffix": contact["suffix"],
        "title": contact["title"],
        "email": contact["email"],
        "phone": contact["phone"],
        "phoneHome": contact["phone_home"],
        "fax": contact["fax"],
        "timezoneId": contact["timezone_id"],
        "preferredEmailFormat": contact["preferred_email_format"],
        "status": contact["status"],
        "companyName": contact["company_name"],
        "companyPosition": contact["company_position"],
        "department": contact["department"],
        "industry": contact["industry"],
        "linkedinUrl": contact["linkedin_url"],
        "birthDate": None if birth_date is None else birth_date.isoformat(),
        "gender": contact["gender"],
        "maritalStatus": contact["marital_status"],
        "educationLevel": contact["education_level"],
        "countryId": contact["country_id"],
        "cityId": contact["city_id"],
        "hashKey": contact["hash_key"],
        "customFields": contact["custom_fields"],
        "groups": [group["id"] for group in groups],
        "groupsName": [group["name"] for group in groups],
        "topics": list(contact["topics"]),
        "tags": list(contact["tags"]),
        "addresses": [render_address(address) for address in contact["addresses"]],
        "paths": [render_path(path) for path in contact["paths"]],
        "contactAttributes": [
            {"orgAttrId": item["definition_id"], "name": item["name"], "values": list(item["values"])}
            for item in contact["attributes"]
        ],
        "createdSourceId": contact["created_source_id"],
        "modifiedSourceId": contact["modified_source_id"],
        "version": contact["version"],
        "createdAt": instant(contact["created_at"]),
        "updatedAt": instant(contact["updated_at"]),
    }
    for wire, source, kind in ENGAGEMENT:
        value = contact[source]
        rendered[wire] = None if value is None else kind(value)
    return rendered


def render_address(address: Mapping[str, Any]) -> dict[str, Any]:
    latitude, longitude = address["latitude"], address["longitude"]
    return {
        "locationName": address["location_name"],
        "streetAddress": address["street_address"],
        "suite": address["suite"],
        "city": address["city"],
        "state": address["state"],
        "postalCode": address["postal_code"],
        "country": address["country"],
        # Shown whenever either coordinate is set, so that echoing a GET body keeps both.
        "gisLocation": None if latitude is None and longitude is None else {"lat": latitude, "lon": longitude},
    }


def render_path(path: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "pathId": path["definition_id"],
        "prompt": path["prompt"],
        "value": path["value"],
        "countryCode": path["country_code"],
        "skipValidation": path["skip_validation"],
        "quietTimeFrames": [
            {
                "name": frame["name"],
                "days": frame["days"],
                "fromHour": frame["from_hour"],
                "fromMin": frame["from_min"],
                "toHour": frame["to_hour"],
                "toMin": frame["to_min"],
            }
            for frame in path["quiet_time_frames"]
        ],
    }


def instant(value: datetime.datetime | None) -> str | None:
    """DESIGN §9: always ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, in UTC (DRF's ``DATETIME_FORMAT``)."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
