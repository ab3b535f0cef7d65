"""Legacy REST writes (seed 004): the PHP example, then every property onto its canonical
field, proved by the native GET and echoed by the legacy GET."""

import base64
import calendar
import datetime
import json

import pytest
import requests

from tests.dialects.external.helpers import TIMEOUT, address

pytestmark = pytest.mark.django_db(transaction=True)

# Seed 004's PHP sample: the ``$json`` string, verbatim.
SEED_PHP_JSON = """
{
"name":"My new first name",
"lastname":"My new lastname"
}
"""


def unix(day: str) -> int:
    """Midnight UTC of an ISO date, in unix seconds."""
    return calendar.timegm(datetime.date.fromisoformat(day).timetuple())


def test_php_example(server, key, native):
    contact = native.create(firstName="Old", lastName="Name")
    before = native.snapshot(contact["id"])
    # $auth = base64_encode($username . ':' . $apikey); CURLOPT_CUSTOMREQUEST "PUT";
    # CURLOPT_POSTFIELDS $json; 'Content-Type: application/json'.
    auth = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}

    response = requests.request(
        "PUT", f"{server}/api/2.0/contacts/{contact['id']}", data=SEED_PHP_JSON, headers=headers, timeout=TIMEOUT
    )

    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.text.strip() == str(contact["id"])
    assert response.json() == contact["id"]
    assert type(response.json()) is int
    native.assert_changed(before, {"firstName": "My new first name", "lastName": "My new lastname"}, channel="legacy")


#: The contact every mapping starts from (native JSON): no address, no birth date.
BASE = {"firstName": "Old", "lastName": "Name", "title": "Dr", "tags": ["old"]}

#: (properties sent, native fields expected, legacy GET echo when it differs from what was sent)
MAPPINGS = [
    pytest.param({"name": "Jane"}, {"firstName": "Jane"}, None, id="name"),
    pytest.param({"last name": "Smith"}, {"lastName": "Smith"}, None, id="last name"),
    pytest.param({"lastname": "Smith"}, {"lastName": "Smith"}, {"last name": "Smith"}, id="lastname"),
    pytest.param({"last_name": "Smith"}, {"lastName": "Smith"}, {"last name": "Smith"}, id="last_name"),
    pytest.param({"status": "off"}, {"status": "off"}, None, id="status-off"),
    pytest.param({"status": "suppressed"}, {"status": "suppressed"}, None, id="status-suppressed"),
    pytest.param({"preferred_email_format": "text"}, {"preferredEmailFormat": "text"}, None, id="email-format"),
    pytest.param({"title": "Prof"}, {"title": "Prof"}, None, id="title"),
    pytest.param({"title": ""}, {"title": ""}, None, id="title-cleared"),
    pytest.param({"company_position": "CTO"}, {"companyPosition": "CTO"}, None, id="company_position"),
    pytest.param({"company_name": "Acme"}, {"companyName": "Acme"}, None, id="company_name"),
    pytest.param({"department": "R&D"}, {"department": "R&D"}, None, id="department"),
    pytest.param({"industry": "Robotics"}, {"industry": "Robotics"}, None, id="industry"),
    pytest.param({"address": "1 Main St"}, {"addresses": [address(streetAddress="1 Main St")]}, None, id="address"),
    pytest.param({"city": "Paris"}, {"addresses": [address(city="Paris")]}, None, id="city"),
    pytest.param({"country": "France"}, {"addresses": [address(country="France")]}, None, id="country"),
    pytest.param({"state": "IDF"}, {"addresses": [address(state="IDF")]}, None, id="state"),
    pytest.param({"zip": "75001"}, {"addresses": [address(postalCode="75001")]}, None, id="zip"),
    pytest.param({"telephone_office": "+1 555 0100"}, {"phone": "+1 555 0100"}, None, id="telephone_office"),
    pytest.param({"telephone_home": "+1 555 0101"}, {"phoneHome": "+1 555 0101"}, None, id="telephone_home"),
    pytest.param({"telephone_fax": "+1 555 0102"}, {"fax": "+1 555 0102"}, None, id="telephone_fax"),
    pytest.param(
        {"date_of_birth": unix("1990-01-01")},
        {"birthDate": "1990-01-01"},
        {"birth_date": "1990-01-01"},
        id="date_of_birth",
    ),
    pytest.param(
        {"date_of_birth": unix("1990-01-01") + 23 * 3600 + 30 * 60},
        {"birthDate": "1990-01-01"},
        {"birth_date": "1990-01-01", "date_of_birth": unix("1990-01-01")},
        id="date_of_birth-late-in-the-utc-day",
    ),
    pytest.param(
        {"date_of_birth": str(unix("1985-06-15"))},
        {"birthDate": "1985-06-15"},
        {"date_of_birth": unix("1985-06-15")},
        id="date_of_birth-as-string",
    ),
    pytest.param({"date_of_birth": -86400}, {"birthDate": "1969-12-31"}, None, id="date_of_birth-before-1970"),
    pytest.param({"tags": '["vip", "new"]'}, {"tags": ["vip", "new"]}, None, id="tags"),
    pytest.param({"tags": "[]"}, {"tags": []}, None, id="tags-emptied"),
    pytest.param(
        {"birth_date": "1985-06-15"},
        {"birthDate": "1985-06-15"},
        {"date_of_birth": unix("1985-06-15")},
        id="birth_date",
    ),
    pytest.param(
        {"birth_date": "1815-12-10"},
        {"birthDate": "1815-12-10"},
        {"date_of_birth": unix("1815-12-10")},
        id="birth_date-before-1901",
    ),
    pytest.param(
        {"date_of_birth": unix("2040-02-29")},
        {"birthDate": "2040-02-29"},
        {"birth_date": "2040-02-29"},
        id="date_of_birth-after-2038",
    ),
    pytest.param({"gender": "male"}, {"gender": "male"}, None, id="gender-male"),
    pytest.param({"gender": "female"}, {"gender": "female"}, None, id="gender-female"),
    pytest.param({"marital_status": "single"}, {"maritalStatus": "single"}, None, id="marital_status-single"),
    pytest.param({"marital_status": "married"}, {"maritalStatus": "married"}, None, id="marital_status-married"),
    pytest.param({"education_level": "PhD"}, {"educationLevel": "PhD"}, None, id="education_level"),
    pytest.param({"hash": "abc123"}, {"hashKey": "abc123"}, None, id="hash"),
    pytest.param({"unique_id": "import-42"}, {"externalId": "import-42"}, None, id="unique_id"),
    pytest.param({"country_id": 33}, {"countryId": 33}, None, id="country_id"),
    pytest.param({"country_id": "49"}, {"countryId": 49}, {"country_id": 49}, id="country_id-as-string"),
    pytest.param({"city_id": 75}, {"cityId": 75}, None, id="city_id"),
]


@pytest.mark.parametrize(("properties", "native_change", "echo"), MAPPINGS)
def test_property_maps_onto_native_field(legacy, native, properties, native_change, echo):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])

    response = legacy.put(contact["id"], properties)

    assert response.status_code == 200, response.text
    assert response.json() == contact["id"]
    native.assert_changed(before, native_change, channel="legacy")
    shown = legacy.properties(contact["id"])
    expected = {key: value for key, value in properties.items() if key not in ("lastname", "last_name")}
    expected |= echo or {}
    if "tags" in expected:
        assert json.loads(shown.pop("tags")) == json.loads(expected.pop("tags"))
    assert {key: shown[key] for key in expected} == expected


def test_create_notifications_is_stored_and_read_back(legacy, native, proxy):
    contact = native.create(**BASE)
    assert legacy.properties(contact["id"])["create_notifications"] == "no"
    before = native.snapshot(contact["id"])

    response = legacy.put(contact["id"], {"create_notifications": "YES"})

    assert response.status_code == 200, response.text
    native.assert_changed(before, {}, channel="legacy")  # not a field of the native contact
    assert native.history(contact["id"])[0]["changes"] == {"create_notifications": {"before": False, "after": True}}
    assert legacy.properties(contact["id"])["create_notifications"] == "yes"
    assert proxy.contacts.GetContact(contact["id"])["create_notifications"] == "yes"
    proxy.contacts.UpdateContact(contact["id"], {"create_notifications": "no"})
    assert legacy.properties(contact["id"])["create_notifications"] == "no"


def test_create_notifications_refuses_other_values(legacy, native):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])

    response = legacy.put(contact["id"], {"create_notifications": "sometimes"})

    assert response.status_code == 400
    assert response.json()["error"]["property"] == "create_notifications"
    native.assert_unchanged(before)


def test_address_properties_change_the_first_address_and_keep_the_second(legacy, native):
    home = {"locationName": "Home", "streetAddress": "1 Main St", "city": "London", "state": "LDN", "postalCode": "N1"}
    work = {"locationName": "Work", "city": "Cambridge", "country": "UK"}
    contact = native.create(**BASE, addresses=[home, work])
    before = native.snapshot(contact["id"])

    response = legacy.put(contact["id"], {"address": "2 New St", "zip": "N2", "country": "UK"})

    assert response.status_code == 200, response.text
    native.assert_changed(
        before,
        {
            "addresses": [
                address(**{**home, "streetAddress": "2 New St", "postalCode": "N2", "country": "UK"}),
                address(**work),
            ]
        },
        channel="legacy",
    )
    shown = legacy.properties(contact["id"])
    assert {key: shown[key] for key in ("address", "city", "country", "state", "zip")} == {
        "address": "2 New St",
        "city": "London",
        "country": "UK",
        "state": "LDN",
        "zip": "N2",
    }


def test_several_properties_are_one_change(legacy, native):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])
    properties = {
        "name": "Grace",
        "last name": "Hopper",
        "company_name": "US Navy",
        "city": "Arlington",
        "tags": '["admiral"]',
        "date_of_birth": unix("1906-12-09"),
        "gender": "female",
        "create_notifications": "no",
    }

    response = legacy.put(contact["id"], properties)

    assert response.status_code == 200, response.text
    native.assert_changed(
        before,
        {
            "firstName": "Grace",
            "lastName": "Hopper",
            "companyName": "US Navy",
            "addresses": [address(city="Arlington")],
            "tags": ["admiral"],
            "birthDate": "1906-12-09",
            "gender": "female",
        },
        channel="legacy",
    )


@pytest.mark.parametrize("prop", ["birth_date", "date_of_birth"])
def test_empty_date_clears_the_birth_date(legacy, native, prop):
    contact = native.create(**BASE, birthDate="1990-01-01")
    before = native.snapshot(contact["id"])

    response = legacy.put(contact["id"], {prop: ""})

    assert response.status_code == 200, response.text
    native.assert_changed(before, {"birthDate": None}, channel="legacy")
    shown = legacy.properties(contact["id"])
    assert (shown["birth_date"], shown["date_of_birth"]) == ("", "")


def test_x_api_key_and_trailing_slash_are_accepted(server, key, native):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])
    url = f"{server}/api/2.0/contacts/{contact['id']}/"

    response = requests.put(url, json={"name": "Jane"}, headers={"X-API-Key": key.secret}, timeout=TIMEOUT)

    assert response.status_code == 200, response.text
    assert response.json() == contact["id"]
    native.assert_changed(before, {"firstName": "Jane"}, channel="legacy")
    shown = requests.get(url, headers={"X-API-Key": key.secret}, timeout=TIMEOUT)
    assert shown.status_code == 200, shown.text
    assert shown.json()["name"] == "Jane"
