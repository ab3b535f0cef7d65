"""Legacy REST reads and refusals (DESIGN §5.1 legacy): GET answers every seed 004 property;
read-only properties, invalid values and unknown properties are refused naming the property
(``{"error": {"code", "message", "property"}}``); unknown or foreign contacts are 404, bad
credentials 401; nothing changes on any refusal."""

import datetime

import pytest
import requests

from contacts.models import Scope
from tests import factories
from tests.dialects.external.helpers import TIMEOUT, instant
from tests.dialects.legacy.helpers import ENGAGEMENT, SEED_PROPERTIES, LegacyRest, set_engagement

pytestmark = pytest.mark.django_db(transaction=True)


def assert_error(response, status: int, prop: str | None = None) -> dict:
    """The legacy REST error envelope, naming ``prop`` (None: no property concerned)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "property"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["error"]["property"] == prop
    return body["error"]


#: The engagement counters (every figure but score, rating, email status and message ids).
COUNTERS = [name for name in ENGAGEMENT if name.endswith(("_count", "_inferred", "_unique", "_clicks"))]


def unix(value: str) -> int:
    return int(instant(value).timestamp())


def test_get_answers_every_property_of_a_bare_contact(legacy, native):
    contact = native.create(firstName="F", lastName="L", externalId="imp-1")

    shown = legacy.properties(contact["id"])

    assert set(shown) == set(SEED_PROPERTIES)
    assert None not in shown.values()
    tags = shown.pop("tags")
    assert tags in ("", "[]")
    assert shown == {
        "id": contact["id"],
        "date_create": unix(contact["createdAt"]),
        "country_id": 1,
        "city_id": 1,
        "name": "F",
        "last name": "L",
        "status": "on",
        "preferred_email_format": "html",
        "title": "",
        "company_position": "",
        "company_name": "",
        "department": "",
        "industry": "",
        "address": "",
        "city": "",
        "country": "",
        "state": "",
        "zip": "",
        "telephone_office": "",
        "telephone_home": "",
        "telephone_fax": "",
        # DESIGN §9: a null birth date is "" in both properties, never 0.
        "date_of_birth": "",
        "birth_date": "",
        "gender": "unknown",
        "marital_status": "unknown",
        "education_level": "",
        "hash": "",
        "unique_id": "imp-1",
        "score": 2,
        "rating": 2,
        "email_status": "none",
        "create_notifications": "no",
        "email_message_ids": "",
        "sms_message_ids": "",
        **dict.fromkeys(COUNTERS, 0),
    }
    assert type(shown["id"]) is int and type(shown["date_create"]) is int


def test_get_answers_every_property_of_a_rich_contact(legacy, rich):
    shown = legacy.properties(rich["id"])

    assert set(shown) == set(SEED_PROPERTIES)
    assert shown == {
        "id": rich["id"],
        "date_create": unix(rich["createdAt"]),
        "country_id": 44,
        "city_id": 7,
        "name": "Ada",
        "last name": "Lovelace",
        "status": "off",
        "preferred_email_format": "text",
        "title": "Countess",
        "company_position": "Programmer",
        "company_name": "Analytical Engines",
        "department": "Research",
        "industry": "Computing",
        "address": "1 Main St",
        "city": "London",
        "country": "",
        "state": "LDN",
        "zip": "N1",
        "telephone_office": "+44 20 7946 0000",
        "telephone_home": "020 7946 0001",
        "telephone_fax": "020 7946 0002",
        "date_of_birth": int(datetime.datetime(1950, 12, 10, tzinfo=datetime.UTC).timestamp()),
        "tags": '["vip", "early"]',
        "birth_date": "1950-12-10",
        "gender": "female",
        "marital_status": "married",
        "education_level": "Tutored",
        "hash": "h-001",
        "unique_id": rich["externalId"],
        "create_notifications": "no",
        **ENGAGEMENT,
        "email_message_ids": "101,102",
        "sms_message_ids": "201",
    }


def test_put_of_the_get_body_without_date_create_is_a_no_op(legacy, native, rich):
    shown = legacy.properties(rich["id"])
    del shown["date_create"]
    before = native.snapshot(rich["id"])

    response = legacy.put(rich["id"], shown)

    assert response.status_code == 200, response.text
    assert response.json() == rich["id"]
    native.assert_unchanged(before)


def test_put_of_the_get_body_is_a_no_op(legacy, native, rich):
    shown = legacy.properties(rich["id"])
    before = native.snapshot(rich["id"])

    response = legacy.put(rich["id"], shown)

    assert response.status_code == 200, response.text
    assert response.json() == rich["id"]
    native.assert_unchanged(before)


def different(name: str, value: object) -> object:
    """A value of the read-only property ``name`` other than the stored ``value``."""
    if name == "email_status":
        return "bounced"
    if name.endswith("_ids"):
        return "1,2,3"
    if isinstance(value, float):
        return value + 1.5
    return value + 1000


READ_ONLY = (
    "id",
    "date_create",
    *ENGAGEMENT,
)


@pytest.mark.parametrize("name", READ_ONLY)
def test_read_only_property_equal_is_no_op_different_is_refused(legacy, native, rich, name):
    stored = legacy.properties(rich["id"])[name]
    before = native.snapshot(rich["id"])

    response = legacy.put(rich["id"], {name: stored})

    assert response.status_code == 200, response.text
    assert response.json() == rich["id"]
    native.assert_unchanged(before)

    assert_error(legacy.put(rich["id"], {name: different(name, stored)}), 400, name)
    assert_error(legacy.put(rich["id"], {name: different(name, stored), "name": "Changed"}), 400, name)
    native.assert_unchanged(before)


def test_date_create_different_is_refused(legacy, native, rich):
    stored = legacy.properties(rich["id"])["date_create"]
    before = native.snapshot(rich["id"])

    for sent in (stored - 86400, stored + 3600, "2020-01-01T00:00:00Z"):
        assert_error(legacy.put(rich["id"], {"date_create": sent}), 400, "date_create")

    native.assert_unchanged(before)


def test_read_only_values_in_another_form_are_equal(legacy, native, rich):
    before = native.snapshot(rich["id"])

    response = legacy.put(
        rich["id"],
        {
            "id": str(rich["id"]),
            "score": "4.5",
            "rating": "5",
            "email_message_ids": "101, 102",
        },
    )

    assert response.status_code == 200, response.text
    native.assert_unchanged(before)


INVALID = [
    pytest.param({"status": "maybe"}, "status", id="status"),
    pytest.param({"gender": "other"}, "gender", id="gender"),
    pytest.param({"marital_status": "divorced"}, "marital_status", id="marital_status"),
    pytest.param({"preferred_email_format": "pdf"}, "preferred_email_format", id="preferred_email_format"),
    pytest.param({"birth_date": "15/06/1985"}, "birth_date", id="birth_date"),
    pytest.param({"date_of_birth": "yesterday"}, "date_of_birth", id="date_of_birth"),
    pytest.param({"date_of_birth": 10**20}, "date_of_birth", id="date_of_birth-out-of-range"),
    pytest.param({"tags": "not json"}, "tags", id="tags-not-json"),
    pytest.param({"tags": '"vip"'}, "tags", id="tags-not-an-array"),
    pytest.param({"tags": '["ok", ""]'}, "tags", id="tags-empty-name"),
    pytest.param({"country_id": "abc"}, "country_id", id="country_id"),
    pytest.param({"city_id": 2**40}, "city_id", id="city_id-out-of-range"),
    pytest.param({"name": "x" * 101}, "name", id="name-too-long"),
    pytest.param({"lastname": "x" * 101}, "lastname", id="lastname-too-long"),
    pytest.param({"zip": "x" * 256}, "zip", id="zip-too-long"),
    pytest.param({"create_notifications": "maybe"}, "create_notifications", id="create_notifications"),
    pytest.param({"nickname": "Ada"}, "nickname", id="unknown-property"),
    pytest.param({"name": "Ok", "email": "ada@example.com"}, "email", id="email-is-not-a-seed-property"),
]


@pytest.mark.parametrize(("properties", "prop"), INVALID)
def test_invalid_property_is_refused_naming_it(legacy, native, rich, properties, prop):
    before = native.snapshot(rich["id"])

    error = assert_error(legacy.put(rich["id"], properties), 400, prop)

    assert prop in error["message"]
    native.assert_unchanged(before)


def test_every_problem_is_in_the_message(legacy, native, rich):
    before = native.snapshot(rich["id"])

    error = assert_error(legacy.put(rich["id"], {"status": "maybe", "gender": "x", "name": "Ok"}), 400, "status")

    assert "status" in error["message"] and "gender" in error["message"]
    native.assert_unchanged(before)


def test_unique_id_of_another_contact_is_refused(legacy, native, rich):
    other = native.create(externalId="taken")
    before = native.snapshot(rich["id"])

    assert_error(legacy.put(rich["id"], {"unique_id": "taken"}), 400, "unique_id")

    native.assert_unchanged(before)
    assert native.get(other["id"])["externalId"] == "taken"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"name": "Ada",', id="malformed-json"),
        pytest.param('["name", "Ada"]', id="array"),
        pytest.param('"Ada"', id="string"),
    ],
)
def test_body_that_is_not_a_json_object_is_refused(legacy, native, rich, raw):
    before = native.snapshot(rich["id"])

    response = requests.put(
        legacy.url(rich["id"]),
        data=raw,
        auth=legacy.auth,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )

    assert_error(response, 400)
    native.assert_unchanged(before)


def test_unknown_contact_is_not_found(legacy):
    for contact_id in ("999999", "0", "-1", "abc", "99999999999999999999999"):
        assert_error(legacy.get(contact_id), 404)
        assert_error(legacy.put(contact_id, {"name": "Nobody"}), 404)


def test_another_organizations_contact_is_not_found_and_unchanged(legacy, other_native):
    theirs = other_native.create(firstName="Their", lastName="Contact")
    before = other_native.snapshot(theirs["id"])

    assert_error(legacy.get(theirs["id"]), 404)
    assert_error(legacy.put(theirs["id"], {"name": "Hijacked"}), 404)
    assert_error(legacy.put(theirs["id"], {"status": "maybe", "nickname": 1}), 404)

    other_native.assert_unchanged(before)


def test_another_organizations_key_does_not_reach_our_contact(server, native, rich, other_key):
    theirs = LegacyRest(server, other_key)
    before = native.snapshot(rich["id"])

    assert_error(theirs.get(rich["id"]), 404)
    assert_error(theirs.put(rich["id"], {"name": "Hijacked"}), 404)

    native.assert_unchanged(before)


def test_bad_credentials_are_unauthorized(legacy, native, rich, key):
    before = native.snapshot(rich["id"])
    username = key.api_key.username
    for auth in (
        (username, "ck_wrong"),
        ("someone-else", key.secret),
        ("", key.secret),
        None,
    ):
        assert_error(legacy.put(rich["id"], {"name": "Changed"}, auth=auth), 401)
        assert_error(legacy.get(rich["id"], auth=auth), 401)
    for header in ("Basic", "Basic not-base64!", "Basic " + "x" * 5):
        response = requests.put(
            legacy.url(rich["id"]), json={"name": "Changed"}, headers={"Authorization": header}, timeout=TIMEOUT
        )
        assert_error(response, 401)

    missing = legacy.get(rich["id"], auth=None)
    assert missing.headers.get("WWW-Authenticate", "").startswith("Basic")
    native.assert_unchanged(before)


def test_a_key_without_the_scope_is_forbidden(server, native, rich, org):
    reader = LegacyRest(server, factories.make_key(org, scopes=[Scope.CONTACTS_READ]))
    writer = LegacyRest(server, factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]))
    before = native.snapshot(rich["id"])

    assert_error(reader.put(rich["id"], {"name": "Changed"}), 403)
    assert_error(writer.get(rich["id"]), 403)

    native.assert_unchanged(before)


def test_engagement_figures_are_read_from_the_database(legacy, native):
    contact = native.create()
    set_engagement(contact["id"], score=0.25, email_status="always send", email_message_ids=[])

    shown = legacy.properties(contact["id"])

    assert (shown["score"], shown["email_status"], shown["email_message_ids"]) == (0.25, "always send", "")
