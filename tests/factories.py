"""Test data builders. Contacts are created through the update engine where a test cares
about rules; these helpers only lay down reference data and bare rows."""

import itertools

from django.utils import timezone

from attributes.models import AttributeDefinition, DataType, DisplayFormat
from attributes.services import next_field_id
from contacts.auth.keys import IssuedKey, issue_api_key
from contacts.models import Contact, Group, Organization, RecordType, Scope, Source, Tag, Topic
from paths.models import PathDefinition, PathKind

_counter = itertools.count(1)

ALL_SCOPES = list(Scope.values)


def make_org(name: str = "") -> Organization:
    return Organization.objects.create(name=name or f"Org {next(_counter)}")


def make_key(org: Organization, scopes: list[str] | None = None, username: str = "") -> IssuedKey:
    return issue_api_key(organization=org, scopes=ALL_SCOPES if scopes is None else scopes, username=username)


def make_record_type(org: Organization, name: str = "Employee", is_default: bool = True) -> RecordType:
    return RecordType.objects.create(organization=org, name=name, is_default=is_default)


def make_group(org: Organization, name: str) -> Group:
    return Group.objects.create(organization=org, name=name)


def make_topic(org: Organization, name: str) -> Topic:
    return Topic.objects.create(organization=org, name=name)


def make_tag(org: Organization, name: str) -> Tag:
    return Tag.objects.create(organization=org, name=name)


def make_source(org: Organization, name: str = "CRM") -> Source:
    return Source.objects.create(organization=org, name=name)


def make_attribute(
    org: Organization,
    name: str = "attr1",
    data_type: str = DataType.STRING,
    display_format: str = DisplayFormat.MULTIPLE_CHOICE,
    defined_values: list | None = None,
) -> AttributeDefinition:
    if defined_values is None:
        defined_values = ["option1", "option2", "option3"] if display_format != DisplayFormat.FREE_TEXT else []
    return AttributeDefinition.objects.create(
        organization=org,
        name=name,
        data_type=data_type,
        display_format=display_format,
        defined_values=defined_values,
        field_id=next_field_id(org),
    )


def make_path(org: Organization, prompt: str = "phone", kind: str = PathKind.PHONE) -> PathDefinition:
    return PathDefinition.objects.create(organization=org, prompt=prompt, kind=kind)


def make_contact(org: Organization, record_type: RecordType | None = None, **fields) -> Contact:
    """A bare contact row (no nested data), for read-side tests."""
    record_type = record_type or RecordType.objects.filter(organization=org, is_default=True).first()
    if record_type is None:
        record_type = make_record_type(org)
    now = timezone.now()
    fields.setdefault("first_name", "F")
    fields.setdefault("last_name", "L")
    return Contact.objects.create(organization=org, record_type=record_type, created_at=now, updated_at=now, **fields)
