"""Query filters of the native contact list (``contacts/filters.py``): each one narrows the
list, bad values are a 400 envelope (never a 500), and no filter reaches another tenant."""

import datetime

import pytest

from contacts.models import Contact, RecordType
from tests import factories


def listed(client, org, **params) -> list[int]:
    response = client.get(f"/rest/contacts/{org.pk}", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [item["id"] for item in body["results"]]


@pytest.fixture
def people(org):
    """Four contacts of ``org`` with distinguishable fields."""
    partner = factories.make_record_type(org, "Partner", is_default=False)
    group = factories.make_group(org, "group1")
    ada = factories.make_contact(
        org, external_id="ext-1", first_name="Ada", last_name="Lovelace", email="Ada@Example.com"
    )
    grace = factories.make_contact(
        org, external_id="ext-2", first_name="Grace", last_name="Hopper", email="grace@navy.mil"
    )
    alan = factories.make_contact(
        org,
        record_type=partner,
        external_id="ext-3",
        first_name="Alan",
        last_name="Turing",
        company_name="Bletchley Park",
    )
    nobody = factories.make_contact(org, first_name="No", last_name="Body")
    ada.groups.add(group)
    alan.groups.add(group)
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    new = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
    Contact.objects.filter(pk__in=[ada.pk, nobody.pk]).update(updated_at=old)
    Contact.objects.filter(pk__in=[grace.pk, alan.pk]).update(updated_at=new)
    return {"ada": ada, "grace": grace, "alan": alan, "nobody": nobody, "partner": partner, "group": group}


@pytest.fixture
def intruders(other_org):
    """Contacts of another organization that match the same filter values."""
    group = factories.make_group(other_org, "group1")
    foreign = factories.make_contact(
        other_org, external_id="ext-1", first_name="Ada", last_name="Lovelace", email="ada@example.com"
    )
    foreign.groups.add(group)
    return {"contact": foreign, "group": group}


def test_unfiltered_list_has_only_own_contacts(org, api_client, people, intruders):
    ids = listed(api_client, org)

    assert ids == sorted(people[name].pk for name in ("ada", "grace", "alan", "nobody"))


def test_filter_by_external_id(org, api_client, people, intruders):
    assert listed(api_client, org, externalId="ext-2") == [people["grace"].pk]
    assert listed(api_client, org, externalId="ext-1") == [people["ada"].pk]


@pytest.mark.parametrize("email", ["ada@example.com", "ADA@EXAMPLE.COM", "Ada@Example.com"])
def test_filter_by_email_ignores_case(org, api_client, people, intruders, email):
    assert listed(api_client, org, email=email) == [people["ada"].pk]


def test_filter_by_email_finds_letters_beyond_ascii_as_written(org, api_client, people):
    emile = factories.make_contact(org, first_name="Émile", last_name="Zola", email="Émile@Example.fr")

    assert listed(api_client, org, email="Émile@Example.fr") == [emile.pk]
    assert listed(api_client, org, email="Émile@example.FR") == [emile.pk]


def test_filter_by_record_type(org, api_client, people):
    assert listed(api_client, org, recordTypeId=people["partner"].pk) == [people["alan"].pk]


def test_filter_by_group(org, api_client, people, intruders):
    assert listed(api_client, org, groupId=people["group"].pk) == [people["ada"].pk, people["alan"].pk]


@pytest.mark.parametrize(
    "since", ["2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2024-06-01T14:00:00+02:00", "2024-06-01"]
)
def test_filter_updated_since(org, api_client, people, since):
    assert listed(api_client, org, updatedSince=since) == [people["grace"].pk, people["alan"].pk]


def test_filter_updated_since_after_everything_is_empty(org, api_client, people):
    assert listed(api_client, org, updatedSince="2024-06-01T12:00:01Z") == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ada", ["ada"]),
        ("HOPPER", ["grace"]),
        ("navy.mil", ["grace"]),
        ("bletchley", ["alan"]),
        ("ext-3", ["alan"]),
        ("ext", ["ada", "grace", "alan"]),
        ("alan turing", ["alan"]),
        ("ada hopper", []),
    ],
)
def test_search(org, api_client, people, intruders, term, expected):
    assert listed(api_client, org, search=term) == [people[name].pk for name in expected]


def test_filters_combine(org, api_client, people):
    assert listed(api_client, org, groupId=people["group"].pk, search="turing") == [people["alan"].pk]
    assert listed(api_client, org, groupId=people["group"].pk, recordTypeId=people["partner"].pk) == [people["alan"].pk]


# --- no leaks --------------------------------------------------------------------------------


def test_other_orgs_ids_match_nothing(org, api_client, people, intruders, other_org):
    other_record_type = RecordType.objects.get(organization=other_org, is_default=True)

    assert listed(api_client, org, groupId=intruders["group"].pk) == []
    assert listed(api_client, org, recordTypeId=other_record_type.pk) == []


def test_filters_on_an_org_without_matches_never_show_other_orgs(org, api_client, intruders):
    assert listed(api_client, org, externalId="ext-1") == []
    assert listed(api_client, org, email="ada@example.com") == []
    assert listed(api_client, org, search="Lovelace") == []
    assert listed(api_client, org) == []


# --- bad values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("recordTypeId", "abc"),
        ("recordTypeId", "99999999999999999999999"),
        ("recordTypeId", "-1"),
        ("recordTypeId", "1.5"),
        ("groupId", "abc"),
        ("groupId", "99999999999999999999999"),
        ("updatedSince", "garbage"),
        ("updatedSince", "2024-13-45T99:00:00Z"),
    ],
)
def test_invalid_filter_value_is_400(org, api_client, people, param, value):
    response = api_client.get(f"/rest/contacts/{org.pk}", {param: value})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "VALIDATION_ERROR"
    assert f"/{param}" in body["errors"]
