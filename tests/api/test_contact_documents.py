"""Contacts read as documents in one statement (``contacts.documents``) and rendered by plain
functions (``native.render``) answer exactly what the native output serializer renders from
the prefetched models: the same keys, in the same order, with the same JSON types."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attributes.models import ContactAttributeValue, DataType, DisplayFormat
from contacts.dialects.native.render import render_contact
from contacts.dialects.native.serializers import ContactOutputSerializer
from contacts.documents import ContactDocuments, read_contact, read_contacts
from contacts.models import Address, Contact, ContactTag
from contacts.selectors import contacts_for_read
from paths.models import ContactPath, QuietTimeFrame, mask_from_days
from tests import factories

PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


def as_serialized(org, contact_id: int) -> str:
    return json.dumps(ContactOutputSerializer(contacts_for_read(org).get(pk=contact_id)).data)


def as_rendered(org, contact_id: int) -> str:
    return json.dumps(render_contact(read_contact(org, contact_id)))


def empty_contact(org) -> Contact:
    return factories.make_contact(org, first_name="", last_name="")


def rich_contact(org) -> Contact:
    """One of everything (several, where order matters), stored out of order, with unicode,
    nulls, exact coordinates and engagement figures."""
    created, modified = factories.make_source(org, "CRM"), factories.make_source(org, "Shop")
    contact = factories.make_contact(
        org,
        external_id="Ü-1",
        first_name="Zoë",
        last_name="山田 🙂",
        middle_initial="Q",
        email="zoe@example.com",
        timezone_id="Europe/Berlin",
        preferred_email_format="text",
        status="suppressed",
        birth_date=datetime.date(9, 1, 2),
        gender="female",
        marital_status="married",
        country_id=-5,
        city_id=0,
        custom_fields={"shoe": 38, "ratio": 0.1, "big": 12345678901234567890, "ß": {"a": [1, 2.5, None, True]}},
        created_source=created,
        modified_source=modified,
        create_notifications=True,
        score=3,
        rating=5,
        email_status="always send",
        email_bounce_hard_count=4,
        message_link_clicks_unique=7,
        email_message_ids=[101, "m-2", None, 2.5],
        sms_message_ids=[],
        version=12,
    )
    Contact.objects.filter(pk=contact.pk).update(
        created_at=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2024, 5, 6, 9, 8, 9, 600, tzinfo=PLUS_TWO),
    )
    # Ids and names in opposite orders: groups by id, tags by position.
    contact.groups.set([factories.make_group(org, name) for name in ("zeta", "Alpha", "ärger")])
    contact.topics.set([factories.make_topic(org, name) for name in ("t2", "t1")])
    tags = [factories.make_tag(org, name) for name in ("vip", "früh", "b")]
    ContactTag.objects.bulk_create(
        ContactTag(contact=contact, tag=tag, position=position) for tag, position in zip(tags, (2, 0, 1), strict=True)
    )
    Address.objects.create(contact=contact, position=2, location_name="Only latitude", latitude=-90.0)
    Address.objects.create(
        contact=contact,
        position=0,
        location_name="Zuhause",
        street_address="Straße 1",
        suite="c/o \"Quotes\" & 'apostrophes'",
        city="Köln",
        state="NRW",
        postal_code="50667",
        country="DE",
        latitude=0.1 + 0.2,
        longitude=-179.99999999999997,
    )
    Address.objects.create(contact=contact, position=1, location_name="Nowhere")
    Address.objects.create(contact=contact, position=3, latitude=51.5, longitude=-0.12)
    second = ContactPath.objects.create(
        contact=contact, definition=factories.make_path(org, "email", kind="email"), position=1, value="z@example.com"
    )
    first = ContactPath.objects.create(
        contact=contact,
        definition=factories.make_path(org, "phone"),
        position=0,
        value="+442071234567",
        country_code="GB",
        skip_validation=True,
    )
    QuietTimeFrame.objects.create(
        path=first, position=1, name="mittag", days=mask_from_days([2]), from_hour=12, to_hour=13
    )
    QuietTimeFrame.objects.create(
        path=first, position=0, name="nacht 🌙", days=mask_from_days([7, 1, 3]), from_hour=22, from_min=30, to_hour=6
    )
    QuietTimeFrame.objects.create(path=second, name="", days=mask_from_days(range(1, 8)), from_hour=0, to_hour=23)
    ContactAttributeValue.objects.create(
        contact=contact,
        definition=factories.make_attribute(
            org, "zahl", data_type=DataType.NUMBER, display_format=DisplayFormat.FREE_TEXT
        ),
        position=1,
        values=[7, 7.5, "7", 1e-7],
    )
    ContactAttributeValue.objects.create(
        contact=contact, definition=factories.make_attribute(org, "attr1"), position=0, values=["option3", "option1"]
    )
    ContactAttributeValue.objects.create(
        contact=contact,
        definition=factories.make_attribute(org, "leer", display_format=DisplayFormat.FREE_TEXT),
        position=2,
        values=[],
    )
    return contact


@pytest.fixture
def contacts(org):
    """An empty contact, a rich one, and a plain one with nulls beside them."""
    return [
        empty_contact(org),
        rich_contact(org),
        factories.make_contact(org, first_name="Ada", birth_date=None, email_message_ids=[None]),
    ]


def test_each_contact_renders_as_the_serializer_does(org, contacts):
    for contact in contacts:
        assert as_rendered(org, contact.pk) == as_serialized(org, contact.pk)


def test_the_rich_contact_reads_in_order(org, contacts):
    rendered = render_contact(read_contact(org, contacts[1].pk))

    assert rendered["groupsName"] == ["zeta", "Alpha", "ärger"]
    assert rendered["tags"] == ["früh", "b", "vip"]
    assert [address["locationName"] for address in rendered["addresses"]] == ["Zuhause", "Nowhere", "Only latitude", ""]
    assert rendered["addresses"][0]["gisLocation"] == {"lat": 0.30000000000000004, "lon": -179.99999999999997}
    assert rendered["addresses"][2]["gisLocation"] == {"lat": -90.0, "lon": None}
    assert [frame["name"] for frame in rendered["paths"][0]["quietTimeFrames"]] == ["nacht 🌙", "mittag"]
    assert rendered["paths"][1]["quietTimeFrames"][0]["days"] == [1, 2, 3, 4, 5, 6, 7]
    assert [item["name"] for item in rendered["contactAttributes"]] == ["attr1", "zahl", "leer"]
    assert rendered["birthDate"] == "0009-01-02"
    assert rendered["updatedAt"] == "2024-05-06T07:08:09.000600Z"


def test_a_page_of_contacts_renders_as_the_serializer_does(org, contacts):
    serialized = ContactOutputSerializer(contacts_for_read(org), many=True).data

    with CaptureQueriesContext(connection) as captured:
        documents = read_contacts(org, [contact.pk for contact in reversed(contacts)])

    assert len(captured) == 1
    assert json.dumps([render_contact(document) for document in documents]) == json.dumps(serialized)


def test_documents_keep_to_their_organization(org, other_org, contacts):
    stranger = rich_contact(other_org)

    assert read_contact(other_org, contacts[1].pk) is None
    assert read_contact(org, stranger.pk) is None
    assert [document["id"] for document in read_contacts(org, [stranger.pk, contacts[0].pk])] == [contacts[0].pk]
    assert [document["id"] for document in ContactDocuments(org, Contact.objects.all())[0:10]] == [
        contact.pk for contact in contacts
    ]


def test_slices_and_chunks_follow_the_queryset(org, contacts):
    more = [factories.make_contact(org, last_name="Many").pk for _ in range(4)]
    documents = ContactDocuments(org, contacts_for_read(org).filter(last_name="Many"))

    with CaptureQueriesContext(connection) as captured:
        page = documents[1:3]
    chunks = [[document["id"] for document in chunk] for chunk in documents.chunks(3)]

    assert len(captured) == 1
    assert documents.count() == 4
    assert [document["id"] for document in page] == more[1:3]
    assert chunks == [more[:3], more[3:]]
    assert documents[4:4] == []
    assert list(ContactDocuments(org, contacts_for_read(org).none()).chunks(3)) == []
