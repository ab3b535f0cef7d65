"""Fixtures of the native write tests: seed 002's example objects (record type ``Employee``,
groups ``group1..3``, attribute ``attr1`` with ``option1..3``, a ``phone`` path) and contacts
laid down through the engine."""

from types import SimpleNamespace

import pytest

from attributes.models import DataType, DisplayFormat
from contacts.models import RecordType
from paths.models import PathKind
from tests import factories
from tests.dialects.native.helpers import NativeApi, seed_contact


@pytest.fixture
def refs(org):
    return SimpleNamespace(
        employee=RecordType.objects.get(organization=org, name="Employee"),
        contractor=factories.make_record_type(org, "Contractor", is_default=False),
        groups=[factories.make_group(org, f"group{n}") for n in (1, 2, 3)],
        attr=factories.make_attribute(
            org, "attr1", data_type=DataType.STRING, display_format=DisplayFormat.MULTIPLE_CHOICE
        ),
        phone=factories.make_path(org, "phone", kind=PathKind.PHONE),
        email=factories.make_path(org, "email", kind=PathKind.EMAIL),
        topics=[factories.make_topic(org, f"topic{n}") for n in (1, 2)],
        source=factories.make_source(org, "CRM"),
    )


@pytest.fixture
def api(api_client, org) -> NativeApi:
    return NativeApi(api_client, org)


def rich_values(refs) -> dict:
    """Canonical values of a contact holding one of everything (quiet time frame included)."""
    return {
        "external_id": "001",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "middle_initial": "B",
        "suffix": "Jr",
        "title": "Countess",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "phone_home": "020 7946 0001",
        "fax": "020 7946 0002",
        "timezone_id": "Europe/London",
        "preferred_email_format": "text",
        "status": "off",
        "company_name": "Analytical Engines",
        "company_position": "Programmer",
        "department": "Research",
        "industry": "Computing",
        "linkedin_url": "https://www.linkedin.com/in/ada",
        "birth_date": "1815-12-10",
        "gender": "female",
        "marital_status": "married",
        "education_level": "Tutored",
        "country_id": 44,
        "city_id": 7,
        "hash_key": "h-001",
        "custom_fields": {"shoe": 38},
        "record_type_name": "Contractor",
        "group_names": ["group1"],
        "topics": [refs.topics[0].pk, refs.topics[1].pk],
        "tags": ["vip", "early"],
        "addresses": [
            {
                "location_name": "Home",
                "street_address": "1 Main St",
                "city": "London",
                "latitude": 51.5,
                "longitude": -0.12,
            },
            {"location_name": "Work", "city": "Cambridge"},
        ],
        "paths": [
            {
                "prompt": "phone",
                "value": "+442079460000",
                "country_code": "GB",
                "quiet_time_frames": [
                    {"name": "night", "days": [1, 7], "from_hour": 22, "from_min": 30, "to_hour": 6, "to_min": 15}
                ],
            },
            {"prompt": "email", "value": "ada@example.com"},
        ],
        "attributes": [{"name": "attr1", "values": ["option1", "option3"]}],
    }


@pytest.fixture
def rich(org, refs) -> int:
    """The id of a contact (external id ``001``) with every scalar set and every list filled."""
    return seed_contact(org, **rich_values(refs))


@pytest.fixture
def plain(org, refs) -> int:
    """The id of a contact (external id ``001``) without quiet time frames, in group1, with a
    phone path, an attribute value and a record type other than ``Employee``."""
    return seed_contact(
        org,
        external_id="001",
        first_name="Old",
        last_name="Name",
        email="old@example.com",
        record_type_name="Contractor",
        group_names=["group1"],
        paths=[{"prompt": "phone", "value": "+8613800138000"}],
        attributes=[{"name": "attr1", "values": ["option3"]}],
    )
