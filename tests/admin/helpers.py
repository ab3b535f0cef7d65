"""The contact change form as a browser posts it, built from a stored contact, for the admin
tests: scalars, many-to-many fields, the address and path inlines (quiet time frames as
their row inputs) and one ``attr_<id>`` field per attribute definition."""

import json
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from attributes.models import AttributeDefinition, DisplayFormat
from contacts.models import Contact, Organization, RecordType

SCALAR_FIELDS = [
    "external_id",
    "first_name",
    "last_name",
    "middle_initial",
    "suffix",
    "title",
    "email",
    "phone",
    "phone_home",
    "fax",
    "timezone_id",
    "preferred_email_format",
    "status",
    "company_name",
    "company_position",
    "department",
    "industry",
    "linkedin_url",
    "gender",
    "marital_status",
    "education_level",
    "country_id",
    "city_id",
    "hash_key",
]


def change_url(contact: Contact) -> str:
    return reverse("admin:contacts_contact_change", args=[contact.pk])


def frame_rows(field: str, rows: list[dict], *, blank_rows: int = 1) -> dict:
    """The inputs of a path's quiet time frame rows: each row ``{"name", "days", "from",
    "to"}`` (times as HH:MM), optionally ``"delete"`` and ``"stored"``; then blank rows."""
    data: dict = {f"{field}-rows": len(rows) + blank_rows}
    for index, row in enumerate(rows):
        prefix = f"{field}-{index}-"
        data |= {
            prefix + "name": row.get("name", ""),
            prefix + "days": [str(day) for day in row.get("days", [])],
            prefix + "from": row.get("from", ""),
            prefix + "to": row.get("to", ""),
        }
        if row.get("delete"):
            data[prefix + "delete"] = "on"
        if row.get("stored"):
            data[prefix + "stored"] = "1"
    for index in range(len(rows), len(rows) + blank_rows):
        data |= {f"{field}-{index}-{key}": "" for key in ("name", "from", "to")}
    return data


def stored_frame_rows(path) -> list[dict]:
    return [
        {
            "name": frame.name,
            "days": frame.day_numbers,
            "from": f"{frame.from_hour:02d}:{frame.from_min:02d}",
            "to": f"{frame.to_hour:02d}:{frame.to_min:02d}",
            "stored": True,
        }
        for frame in path.quiet_time_frames.all()
    ]


def attribute_input(definition: AttributeDefinition, values: list) -> object:
    """What the attribute's widget posts for ``values``."""
    if definition.display_format == DisplayFormat.MULTIPLE_CHOICE:
        return [str(value) for value in values]
    return "\n".join(str(value) for value in values)


def form_data(contact: Contact, **overrides) -> dict:
    """The change form as the browser posts it, from the stored contact."""
    data = {name: getattr(contact, name) for name in SCALAR_FIELDS}
    data |= {
        "record_type": contact.record_type_id,
        "birth_date": contact.birth_date or "",
        "custom_fields": json.dumps(contact.custom_fields),
        "groups": [group.pk for group in contact.groups.all()],
        "topics": [topic.pk for topic in contact.topics.all()],
        "tag_list": ", ".join(link.tag.name for link in contact.tag_links.all()),
    }
    addresses = list(contact.addresses.all())
    data |= {"addresses-TOTAL_FORMS": len(addresses), "addresses-INITIAL_FORMS": len(addresses)}
    for index, row in enumerate(addresses):
        prefix = f"addresses-{index}-"
        data |= {prefix + "id": row.pk, prefix + "contact": contact.pk, prefix + "position": row.position}
        data[prefix + "city"] = row.city
    paths = list(contact.paths.all())
    data |= {"paths-TOTAL_FORMS": len(paths), "paths-INITIAL_FORMS": len(paths)}
    for index, row in enumerate(paths):
        prefix = f"paths-{index}-"
        data |= {prefix + "id": row.pk, prefix + "contact": contact.pk, prefix + "position": row.position}
        data |= {
            prefix + "definition": row.definition_id,
            prefix + "value": row.value,
            prefix + "country_code": row.country_code,
        }
        if row.skip_validation:
            data[prefix + "skip_validation"] = "on"
        data |= frame_rows(prefix + "quiet_time_frames", stored_frame_rows(row))
    stored = {value.definition_id: value.values for value in contact.attribute_values.all()}
    for definition in AttributeDefinition.objects.filter(organization=contact.organization_id):
        data[f"attr_{definition.pk}"] = attribute_input(definition, stored.get(definition.pk, []))
    return data | overrides


def add_form_data(organization: Organization, **overrides) -> dict:
    """The add form of a new contact as the browser posts it: the organization's default
    record type, the choice fields at their defaults, no inline rows."""
    data = {
        "organization": organization.pk,
        "record_type": RecordType.objects.get(organization=organization, is_default=True).pk,
        "preferred_email_format": "html",
        "status": "on",
        "gender": "unknown",
        "marital_status": "unknown",
        "country_id": 1,
        "city_id": 1,
        "custom_fields": "{}",
        "addresses-TOTAL_FORMS": 0,
        "addresses-INITIAL_FORMS": 0,
        "paths-TOTAL_FORMS": 0,
        "paths-INITIAL_FORMS": 0,
    }
    return data | overrides


def post_change(client: Client, contact: Contact, data: dict):
    return client.post(change_url(contact), data)


class _Inputs(HTMLParser):
    """Every ``<input>``, ``<option>`` (with its select's name) and ``<textarea>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.options: list[dict] = []
        self._select = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        elif tag == "select":
            self._select = found.get("name")
        elif tag == "option":
            self.options.append(found | {"select": self._select})

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def page_inputs(page: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(page)
    return parser


def checked_values(page: str, name: str) -> list[str]:
    """Values of the checked boxes named ``name``."""
    return [i["value"] for i in page_inputs(page).inputs if i.get("name") == name and "checked" in i]


def input_value(page: str, name: str) -> str | None:
    return next((i.get("value") for i in page_inputs(page).inputs if i.get("name") == name), None)


def selected_options(page: str, name: str) -> list[str]:
    return [o["value"] for o in page_inputs(page).options if o["select"] == name and "selected" in o]
