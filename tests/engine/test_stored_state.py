"""The stored state the engine locks and loads (one statement for every relation kind) is
exactly what the rows hold: values, types, order and the row ids writes need."""

import pytest
from django.db import transaction

from attributes.models import ContactAttributeValue, DataType, DisplayFormat
from contacts.models import Address, Contact, ContactTag, Source, Topic
from contacts.services import ChangeSet
from contacts.services.state import lock_and_load
from paths.models import ContactPath, PathKind, QuietTimeFrame, days_from_mask
from tests import factories
from tests.engine.builders import apply

#: Floats a JSON round trip could bend: 17 significant digits, negative zero, tiny, bounds.
COORDINATES = [(0.30000000000000004, -0.0), (89.99999999999999, -179.99999999999997), (5e-324, 2.0), (None, 180.0)]


@pytest.fixture
def stored_org(org):
    factories.make_group(org, "group1")
    factories.make_group(org, "group2")
    factories.make_topic(org, "topic1")
    factories.make_source(org, "CRM")
    factories.make_path(org, "pager", kind=PathKind.OTHER)
    factories.make_path(org, "mobile", kind=PathKind.PHONE)
    factories.make_attribute(org, "number", data_type=DataType.NUMBER, display_format=DisplayFormat.FREE_TEXT)
    factories.make_attribute(org, "choice", display_format=DisplayFormat.MULTIPLE_CHOICE)
    factories.make_attribute(org, "day", data_type=DataType.DATE, display_format=DisplayFormat.FREE_TEXT)
    return org


def values(org, **changes) -> dict:
    return {
        "external_id": "ext-1",
        "first_name": 'Zoë "quoted" \\ back',
        "last_name": "Ünïcödé ☃",
        "record_type_name": "Employee",
        "timezone_id": "Europe/Paris",
        "birth_date": "1990-02-03",
        "custom_fields": {"nested": {"list": [1, 2.5, None]}},
        "source_id": Source.objects.get(organization=org).pk,
        "group_names": ["group2", "group1"],
        "topics": [Topic.objects.get(organization=org).pk],
        "tags": ["zeta", "alpha", "Mu"],
        "addresses": [
            {"location_name": f"Place {i}\n\t\u2028", "latitude": lat, "longitude": lon}
            for i, (lat, lon) in enumerate(COORDINATES)
        ],
        "paths": [
            {
                "prompt": "pager",
                "value": "p-1",
                "quiet_time_frames": [
                    {"name": "b", "days": [7, 1], "from_hour": 22, "to_hour": 7},
                    {"name": "a", "days": [2, 3, 4, 5, 6], "from_hour": 12, "from_min": 30, "to_hour": 13},
                ],
            },
            {"prompt": "mobile", "value": "+33 6 12 34 56 78", "skip_validation": False},
        ],
        "attributes": [
            {"name": "number", "values": [0.30000000000000004, 12, "1e-7", 2**70]},
            {"name": "choice", "values": ["option3", "option1"]},
            {"name": "day", "values": ["2024-02-29"]},
        ],
        **changes,
    }


def create(org, **changes) -> int:
    [result] = apply(org, [ChangeSet(values=values(org, **changes))])
    assert result.ok, result.problems
    return result.contact_id


def load(org, contact_id):
    with transaction.atomic():
        return lock_and_load(organization=org, contact_ids=[contact_id])[0][contact_id]


def exact(value):
    """Floats compared by their representation, so that -0.0 differs from 0.0."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return [exact(item) for item in value]
    return value


def test_stored_state_is_the_rows_exactly(stored_org):
    contact_id = create(stored_org)
    stored = load(stored_org, contact_id)
    contact = Contact.objects.select_related("created_source").get(pk=contact_id)

    for field in Contact._meta.concrete_fields:
        assert getattr(stored.contact, field.attname) == getattr(contact, field.attname), field.attname
        assert type(getattr(stored.contact, field.attname)) is type(getattr(contact, field.attname)), field.attname
    assert stored.contact.created_source.name == "CRM"

    addresses = list(Address.objects.filter(contact_id=contact_id).order_by("position", "id"))
    assert [row.row_id for row in stored.nested_rows["addresses"]] == [a.pk for a in addresses]
    assert [(a.latitude, a.longitude) for a in addresses] == COORDINATES
    # As the rows hold them (SQLite keeps no negative zero).
    assert [exact((s.latitude, s.longitude)) for s in stored.state.nested["addresses"]] == [
        exact((a.latitude, a.longitude)) for a in addresses
    ]
    assert [s.location_name for s in stored.state.nested["addresses"]] == [a.location_name for a in addresses]

    paths = list(ContactPath.objects.filter(contact_id=contact_id).order_by("position", "id"))
    assert [row.row_id for row in stored.nested_rows["paths"]] == [p.pk for p in paths]
    assert [(s.definition_id, s.value, s.skip_validation) for s in stored.state.nested["paths"]] == [
        (p.definition_id, p.value, p.skip_validation) for p in paths
    ]
    frames = QuietTimeFrame.objects.filter(path_id=paths[0].pk).order_by("position", "id")
    assert [(f.name, f.days, f.from_hour, f.from_min) for f in stored.state.nested["paths"][0].frames] == [
        (f.name, tuple(days_from_mask(f.days)), f.from_hour, f.from_min) for f in frames
    ]
    assert stored.nested_rows["paths"][0].below == tuple(f.pk for f in frames)
    assert stored.state.nested["paths"][1].value == "+33612345678"

    attributes = list(ContactAttributeValue.objects.filter(contact_id=contact_id).order_by("position", "id"))
    assert [row.row_id for row in stored.nested_rows["attributes"]] == [a.pk for a in attributes]
    assert [exact(s.values) for s in stored.state.nested["attributes"]] == [exact(a.values) for a in attributes]

    tags = list(ContactTag.objects.filter(contact_id=contact_id).select_related("tag").order_by("position", "id"))
    assert stored.state.tags == ("zeta", "alpha", "Mu")
    assert list(stored.tag_rows.items()) == [(link.tag.name, link.pk) for link in tags]
    groups = Contact.groups.through.objects.filter(contact_id=contact_id)
    assert stored.group_rows == {link.group_id: link.pk for link in groups}
    assert stored.state.groups == frozenset(stored.group_rows)


def test_sending_the_stored_contact_again_changes_nothing(stored_org):
    contact_id = create(stored_org)
    [result] = apply(stored_org, [ChangeSet(values=values(stored_org), contact_id=contact_id)])
    assert result.status == "unchanged", result.changes
    assert Contact.objects.get(pk=contact_id).version == 1


def test_a_contact_without_relations_loads_empty_lists(org):
    contact = factories.make_contact(org)
    stored = load(org, contact.pk)
    assert stored.state.nested == {"addresses": (), "paths": (), "attributes": ()}
    assert (stored.state.groups, stored.state.topics, stored.state.tags) == (frozenset(), frozenset(), ())
    assert stored.contact.created_source is None


def test_other_organizations_contacts_are_not_loaded(org, other_org):
    mine, theirs = factories.make_contact(org), factories.make_contact(other_org)
    with transaction.atomic():
        assert set(lock_and_load(organization=org, contact_ids=[mine.pk, theirs.pk])[0]) == {mine.pk}
