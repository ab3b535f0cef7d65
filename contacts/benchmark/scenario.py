"""The benchmark's organization and payloads: each contact has 5 scalar fields, 2 paths (a
phone and an email, each with a quiet time frame), 2 attribute values and groups."""

from dataclasses import dataclass

from django.utils import timezone

from attributes.models import AttributeDefinition, DataType, DisplayFormat
from contacts.models import Channel, Group, Organization
from contacts.services import Actor, ChangeSet, UpdateMode, apply_updates
from contacts.services.reference import create_record_type
from paths.models import PathDefinition, PathKind

ACTOR = Actor(label="benchmark")


@dataclass
class Scenario:
    organization: Organization
    contact_ids: list[int]
    groups: list[Group]
    phone: PathDefinition
    email: PathDefinition
    attributes: list[AttributeDefinition]


def values(n: int, variant: int) -> dict:
    """A FULL contact; consecutive variants differ in 5 scalars, both paths (value and quiet
    time frame), both attribute values and one added group."""
    return {
        "external_id": f"bench-{n}",
        "first_name": f"First{n}v{variant}",
        "last_name": f"Last{n}v{variant}",
        "email": f"c{n}v{variant}@example.com",
        "title": f"Title v{variant}",
        "company_name": f"Company v{variant}",
        "record_type_name": "Employee",
        "timezone_id": "Europe/Paris",
        "group_names": ["group0", f"group{1 + variant % 3}"],
        "paths": [
            {
                "prompt": "phone",
                "value": f"+33 6 12 {variant % 100:02d} {n // 100 % 100:02d} {n % 100:02d}",
                "quiet_time_frames": [
                    {
                        "name": "night",
                        "days": [1, 7],
                        "from_hour": 20 + variant % 4,
                        "from_min": 0,
                        "to_hour": 7,
                        "to_min": 0,
                    }
                ],
            },
            {
                "prompt": "email",
                "value": f"c{n}v{variant}@example.org",
                "quiet_time_frames": [
                    {
                        "name": "weekend",
                        "days": [1 + variant % 7],
                        "from_hour": 0,
                        "from_min": 0,
                        "to_hour": 23,
                        "to_min": 59,
                    }
                ],
            },
        ],
        "attributes": [{"name": f"attr{i}", "values": [f"v{variant}-{i}"]} for i in range(2)],
    }


def create_scenario(size: int) -> Scenario:
    organization = Organization.objects.create(name=f"Benchmark {timezone.now():%Y-%m-%d %H:%M:%S}")
    create_record_type(organization=organization, name="Employee", is_default=True)
    groups = [Group.objects.create(organization=organization, name=f"group{i}") for i in range(4)]
    phone = PathDefinition.objects.create(organization=organization, prompt="phone", kind=PathKind.PHONE)
    email = PathDefinition.objects.create(organization=organization, prompt="email", kind=PathKind.EMAIL)
    attributes = [
        AttributeDefinition.objects.create(
            organization=organization,
            name=f"attr{i}",
            data_type=DataType.STRING,
            display_format=DisplayFormat.FREE_TEXT,
            field_id=100 + i,
        )
        for i in range(2)
    ]
    results = apply_updates(
        organization=organization,
        items=[ChangeSet(values=values(n, 0)) for n in range(size)],
        mode=UpdateMode.FULL,
        actor=ACTOR,
        channel=Channel.IMPORT,
    )
    return Scenario(organization, [r.contact_id for r in results], groups, phone, email, attributes)


def engine_items(scenario: Scenario, variant: int) -> list[ChangeSet]:
    return [
        ChangeSet(values=values(n, variant), contact_id=contact_id) for n, contact_id in enumerate(scenario.contact_ids)
    ]
