"""Reading contacts over the native dialect (DESIGN §5, §5.1): the wire shape, 404s,
pagination, trailing slashes and a query count that does not grow with nested rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from attributes.models import ContactAttributeValue, DataType, DisplayFormat
from contacts.models import Address, Contact, RecordType
from paths.models import ContactPath, QuietTimeFrame, mask_from_days
from tests import factories

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

CONTACT_KEYS = {
    "id", "uid", "externalId", "firstName", "lastName", "middleInitial", "suffix", "title", "email",
    "phone", "phoneHome", "fax", "timezoneId", "preferredEmailFormat", "status", "companyName",
    "companyPosition", "department", "industry", "linkedinUrl", "birthDate", "gender", "maritalStatus",
    "educationLevel", "countryId", "cityId", "hashKey", "customFields", "recordTypeId", "recordTypeName",
    "groups", "groupsName", "topics", "tags", "addresses", "paths", "contactAttributes",
    "createdSourceId", "modifiedSourceId", "version", "createdAt", "updatedAt",
}  # fmt: skip
ENGAGEMENT_KEYS = {
    "score", "rating", "emailStatus", "emailBounceHardCount", "emailBounceSoftCount", "blockBounceCount",
    "smsBounceHardCount", "smsBounceSoftCount", "smsBounceConsecutiveCount", "complaintsCount",
    "forwardCount", "inviteCount", "bounceUnidentifiedCount", "autoresponderCount", "emailMessageIds",
    "smsMessageIds", "emailMessageCount", "smsMessageCount", "messageReadsInferred",
    "messageReadsUnique", "messageLinkClicks", "messageLinkClicksUnique",
}  # fmt: skip


def build_nested(contact, count: int, prefix: str) -> None:
    """``count`` rows of every nested kind on ``contact``, laid down directly with the ORM;
    each path gets ``count`` quiet time frames."""
    org = contact.organization
    contact.groups.set([factories.make_group(org, f"{prefix}-g{i}") for i in range(count)])
    contact.topics.set([factories.make_topic(org, f"{prefix}-t{i}") for i in range(count)])
    contact.tags.set([factories.make_tag(org, f"{prefix}-tag{i}") for i in range(count)])
    Address.objects.bulk_create(
        Address(contact=contact, position=i, location_name=f"loc{i}", city="Berlin", latitude=52.5, longitude=13.4)
        for i in range(count)
    )
    paths = ContactPath.objects.bulk_create(
        ContactPath(
            contact=contact,
            definition=factories.make_path(org, f"{prefix}-p{i}"),
            position=i,
            value=f"+4930{i:06d}",
            country_code="DE",
        )
        for i in range(count)
    )
    QuietTimeFrame.objects.bulk_create(
        QuietTimeFrame(path=path, position=j, name=f"q{j}", days=mask_from_days([1, 7]), from_hour=22, to_hour=6)
        for path in paths
        for j in range(count)
    )
    ContactAttributeValue.objects.bulk_create(
        ContactAttributeValue(
            contact=contact,
            definition=factories.make_attribute(org, f"{prefix}-a{i}", display_format=DisplayFormat.FREE_TEXT),
            position=i,
            values=[f"v{i}"],
        )
        for i in range(count)
    )


@pytest.fixture
def rich_contact(org):
    """A contact with one of everything and known values."""
    created = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    source = factories.make_source(org, "CRM")
    contact = factories.make_contact(
        org,
        external_id="X-1",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        timezone_id="Europe/Berlin",
        birth_date=datetime.date(1815, 12, 10),
        custom_fields={"shoe": 38},
        created_source=source,
    )
    Contact.objects.filter(pk=contact.pk).update(created_at=created, updated_at=created)
    group = factories.make_group(org, "group1")
    contact.groups.add(group)
    contact.topics.add(factories.make_topic(org, "Newsletter"))
    contact.tags.add(factories.make_tag(org, "vip"), factories.make_tag(org, "early"))
    Address.objects.create(
        contact=contact,
        location_name="Home",
        street_address="1 Main St",
        city="London",
        latitude=51.5,
        longitude=-0.12,
    )
    Address.objects.create(contact=contact, position=1, location_name="Work")
    path = ContactPath.objects.create(
        contact=contact, definition=factories.make_path(org, "phone"), value="+442071234567", country_code="GB"
    )
    QuietTimeFrame.objects.create(
        path=path, name="night", days=mask_from_days([7, 1, 3]), from_hour=22, from_min=30, to_hour=6, to_min=15
    )
    attribute = factories.make_attribute(org, "attr1", data_type=DataType.STRING)
    ContactAttributeValue.objects.create(contact=contact, definition=attribute, values=["option1", "option3"])
    contact.refresh_from_db()
    return contact


def detail_url(org, contact_id) -> str:
    return f"/rest/contacts/{org.pk}/{contact_id}"


# --- the contact document --------------------------------------------------------------------


def test_detail_has_every_documented_field(org, api_client, rich_contact):
    response = api_client.get(detail_url(org, rich_contact.pk))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == CONTACT_KEYS | ENGAGEMENT_KEYS
    assert body["id"] == rich_contact.pk
    assert body["uid"] == rich_contact.uid
    assert body["externalId"] == "X-1"
    assert (body["firstName"], body["lastName"], body["email"]) == ("Ada", "Lovelace", "ada@example.com")
    assert body["birthDate"] == "1815-12-10"
    assert body["customFields"] == {"shoe": 38}
    assert body["recordTypeId"] == rich_contact.record_type_id
    assert body["recordTypeName"] == "Employee"
    assert body["createdSourceId"] == rich_contact.created_source_id
    assert body["modifiedSourceId"] is None
    assert body["version"] == 1
    assert body["createdAt"] == body["updatedAt"] == "2024-05-06T07:08:09.123456Z"


def test_detail_renders_relations(org, api_client, rich_contact):
    body = api_client.get(detail_url(org, rich_contact.pk)).json()

    group = rich_contact.groups.get()
    assert body["groups"] == [group.pk]
    assert body["groupsName"] == ["group1"]
    assert body["topics"] == [rich_contact.topics.get().pk]
    assert sorted(body["tags"]) == ["early", "vip"]
    assert body["addresses"] == [
        {
            "locationName": "Home", "streetAddress": "1 Main St", "suite": "", "city": "London", "state": "",
            "postalCode": "", "country": "", "gisLocation": {"lat": 51.5, "lon": -0.12},
        },
        {
            "locationName": "Work", "streetAddress": "", "suite": "", "city": "", "state": "",
            "postalCode": "", "country": "", "gisLocation": None,
        },
    ]  # fmt: skip
    path = rich_contact.paths.get()
    assert body["paths"] == [
        {
            "pathId": path.definition_id,
            "prompt": "phone",
            "value": "+442071234567",
            "countryCode": "GB",
            "skipValidation": False,
            "quietTimeFrames": [
                {"name": "night", "days": [1, 3, 7], "fromHour": 22, "fromMin": 30, "toHour": 6, "toMin": 15}
            ],
        }
    ]
    value = rich_contact.attribute_values.get()
    assert body["contactAttributes"] == [
        {"orgAttrId": value.definition_id, "name": "attr1", "values": ["option1", "option3"]}
    ]


def test_detail_renders_engagement_figures_flat(org, api_client, rich_contact):
    Contact.objects.filter(pk=rich_contact.pk).update(
        score=4.5, email_bounce_hard_count=3, message_link_clicks_unique=7, email_status="bouncing"
    )

    body = api_client.get(detail_url(org, rich_contact.pk)).json()

    assert body["score"] == 4.5
    assert body["rating"] == 2
    assert body["emailStatus"] == "bouncing"
    assert body["emailBounceHardCount"] == 3
    assert body["messageLinkClicksUnique"] == 7
    assert body["emailMessageIds"] == []
    assert body["smsBounceSoftCount"] == 0


def test_detail_has_etag_that_follows_version(org, api_client, rich_contact):
    first = api_client.get(detail_url(org, rich_contact.pk))
    Contact.objects.filter(pk=rich_contact.pk).update(version=2)
    second = api_client.get(detail_url(org, rich_contact.pk))

    assert first["ETag"]
    assert second["ETag"]
    assert first["ETag"] != second["ETag"]
    assert second.json()["version"] == 2


def test_timestamps_keep_microseconds_when_zero(org, api_client, rich_contact):
    whole_second = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    Contact.objects.filter(pk=rich_contact.pk).update(created_at=whole_second)

    body = api_client.get(detail_url(org, rich_contact.pk)).json()

    assert body["createdAt"] == "2024-05-06T07:08:09.000000Z"


def test_timestamps_in_utc_with_microseconds(org, api_client):
    contact = factories.make_contact(org)
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    Contact.objects.filter(pk=contact.pk).update(
        created_at=datetime.datetime(2024, 1, 2, 3, 4, 5, 600, tzinfo=plus_two),
        updated_at=datetime.datetime(2024, 1, 2, 3, 4, 5, 987654, tzinfo=datetime.UTC),
    )

    body = api_client.get(detail_url(org, contact.pk)).json()

    assert body["createdAt"] == "2024-01-02T01:04:05.000600Z"
    assert body["updatedAt"] == "2024-01-02T03:04:05.987654Z"
    assert TIMESTAMP.match(body["createdAt"])


def test_the_browsable_api_fills_its_forms_with_the_contact(org, api_client, rich_contact):
    response = api_client.get(detail_url(org, rich_contact.pk), HTTP_ACCEPT="text/html")

    forms = re.findall(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S)
    assert response.status_code == 200
    assert forms and all("&quot;externalId&quot;: &quot;X-1&quot;" in form for form in forms)


# --- not found ---------------------------------------------------------------------------------


@pytest.mark.parametrize("contact_id", ["999999", "abc", "99999999999999999999999", "-1", "1.5"])
def test_unknown_contact_is_404_envelope(org, api_client, contact_id):
    factories.make_contact(org)

    response = api_client.get(detail_url(org, contact_id))

    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "NOT_FOUND",
        "message": response.json()["message"],
        "errors": {},
    }


def test_unknown_route_under_rest_is_json_404(api_client):
    response = api_client.get("/rest/nothing-here/1")

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


# --- list and pagination -------------------------------------------------------------------------


def test_list_is_paginated(org, api_client):
    ids = [factories.make_contact(org, external_id=f"E{i}").pk for i in range(5)]

    first = api_client.get(f"/rest/contacts/{org.pk}", {"pageSize": 2}).json()
    second = api_client.get(first["next"]).json()
    last = api_client.get(f"/rest/contacts/{org.pk}", {"pageSize": 2, "page": 3}).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 5
    assert first["previous"] is None
    assert [item["id"] for item in first["results"]] == ids[:2]
    assert [item["id"] for item in second["results"]] == ids[2:4]
    assert second["previous"]
    assert [item["id"] for item in last["results"]] == ids[4:]
    assert last["next"] is None


def test_list_default_page_size_is_100(org, api_client):
    record_type = RecordType.objects.get(organization=org)
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(organization=org, record_type=record_type, created_at=now, updated_at=now, external_id=f"B{i}")
        for i in range(101)
    )

    body = api_client.get(f"/rest/contacts/{org.pk}").json()

    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"]


def test_list_page_beyond_end_is_404(org, api_client):
    factories.make_contact(org)

    response = api_client.get(f"/rest/contacts/{org.pk}", {"page": 9})

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_empty_list(org, api_client, other_org):
    factories.make_contact(other_org)

    body = api_client.get(f"/rest/contacts/{org.pk}").json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


# --- trailing slashes ------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_routes_answer_with_and_without_trailing_slash(org, api_client, slash):
    contact = factories.make_contact(org, external_id="S-1")

    listing = api_client.get(f"/rest/contacts/{org.pk}{slash}")
    detail = api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}{slash}")
    history = api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}/history{slash}")

    assert listing.status_code == 200
    assert [item["externalId"] for item in listing.json()["results"]] == ["S-1"]
    assert detail.status_code == 200
    assert detail.json()["id"] == contact.pk
    assert history.status_code == 200
    assert history.json()["results"] == []


@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_reference_routes_answer_with_and_without_trailing_slash(org, api_client, slash):
    group = factories.make_group(org, "group1")

    listing = api_client.get(f"/rest/groups/{org.pk}{slash}")
    detail = api_client.get(f"/rest/groups/{org.pk}/{group.pk}{slash}")

    assert listing.status_code == 200
    assert [item["name"] for item in listing.json()["results"]] == ["group1"]
    assert detail.json() == {"id": group.pk, "name": "group1"}


# --- query budget --------------------------------------------------------------------------------


def count_queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


def test_detail_query_count_does_not_grow_with_nested_rows(org, api_client):
    small = factories.make_contact(org)
    build_nested(small, 1, "small")
    large = factories.make_contact(org)
    build_nested(large, 10, "large")
    api_client.get(f"/rest/groups/{org.pk}")  # warm up: the key's last-used time is written once

    small_queries, small_body = count_queries(api_client, detail_url(org, small.pk))
    large_queries, large_body = count_queries(api_client, detail_url(org, large.pk))

    assert len(large_body["paths"]) == 10
    assert all(len(path["quietTimeFrames"]) == 10 for path in large_body["paths"])
    assert large_body["paths"][0]["quietTimeFrames"][0]["days"] == [1, 7]
    for field in ("groups", "topics", "tags", "addresses", "contactAttributes"):
        assert len(large_body[field]) == 10, field
        assert len(small_body[field]) == 1, field
    assert large_queries == small_queries


def test_list_query_count_does_not_grow_with_contacts(org, other_org, api_client):
    small_org, large_org = org, other_org
    api_client_large = APIClient()
    api_client_large.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(large_org).secret}")
    for index in range(3):
        build_nested(factories.make_contact(small_org), 2, f"s{index}")
    for index in range(30):
        build_nested(factories.make_contact(large_org), 2, f"l{index}")
    api_client.get(f"/rest/groups/{small_org.pk}")
    api_client_large.get(f"/rest/groups/{large_org.pk}")

    small_queries, small_body = count_queries(api_client, f"/rest/contacts/{small_org.pk}")
    large_queries, large_body = count_queries(api_client_large, f"/rest/contacts/{large_org.pk}")

    assert small_body["count"] == 3
    assert large_body["count"] == 30
    assert all(len(item["paths"]) == 2 for item in large_body["results"])
    assert large_queries == small_queries
