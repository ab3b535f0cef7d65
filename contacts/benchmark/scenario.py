"""The benchmark's organization and payloads (DESIGN §8): each contact has 5 scalar fields, 2
paths (a phone and an email, each with a quiet time frame), 2 attribute values and groups.

Every run writes a new *variant* of every contact it touches, so each FULL update really
changes 5 scalars, both paths (value and frame), both attribute values and the groups; the
untimed step between runs takes the contacts back to their first group alone, so that the
next run adds one again (DESIGN §4: FULL only ever adds groups).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from attributes.models import AttributeDefinition, DataType, DisplayFormat
from contacts.dialects.native import wire
from contacts.foundations.sql import among, table
from contacts.models import Channel, Contact, Group, Organization
from contacts.services import BATCH_LIMIT, Actor, ChangeSet, UpdateMode, apply_updates
from contacts.services.reference import create_record_type
from paths.models import PathDefinition, PathKind

ACTOR = Actor(label="benchmark")
GROUP_COUNT = 4
GroupLink = Contact.groups.through


@dataclass
class Scenario:
    organization: Organization
    contact_ids: list[int]
    groups: list[Group]
    phone: PathDefinition
    email: PathDefinition
    attributes: list[AttributeDefinition]

    @property
    def size(self) -> int:
        return len(self.contact_ids)


def values(n: int, variant: int) -> dict:
    """Contact ``n`` as a FULL update (canonical names); consecutive variants differ in 5
    scalars, both paths (value and quiet time frame), both attribute values and one group."""
    return {
        "external_id": f"bench-{n}",
        "first_name": f"First{n}v{variant}",
        "last_name": f"Last{n}v{variant}",
        "email": f"c{n}v{variant}@example.com",
        "title": f"Title v{variant}",
        "company_name": f"Company v{variant}",
        "record_type_name": "Employee",
        "timezone_id": "Europe/Paris",
        "group_names": ["group0", f"group{1 + variant % (GROUP_COUNT - 1)}"],
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


_TOP_LEVEL = {canonical: name for name, canonical in wire.TOP_LEVEL.items()}
_PATH = {canonical: name for name, canonical in wire.PATH.items()}
_FRAME = {canonical: name for name, canonical in wire.FRAME.items()}
_ATTRIBUTE = {canonical: name for name, canonical in wire.ATTRIBUTE.items()}


def wire_values(n: int, variant: int) -> dict:
    """``values(n, variant)`` as the native dialect's JSON body (its own wire names)."""
    body = {_TOP_LEVEL[name]: value for name, value in values(n, variant).items()}
    body["paths"] = [
        {
            **{_PATH[name]: value for name, value in path.items() if name != "quiet_time_frames"},
            "quietTimeFrames": [{_FRAME[name]: v for name, v in frame.items()} for frame in path["quiet_time_frames"]],
        }
        for path in body["paths"]
    ]
    body["contactAttributes"] = [
        {_ATTRIBUTE[name]: v for name, v in item.items()} for item in body["contactAttributes"]
    ]
    return body


def create_scenario(size: int, *, label: str = "Benchmark") -> Scenario:
    """A new organization with ``size`` nested contacts, written by the engine."""
    organization = Organization.objects.create(name=f"{label} {timezone.now():%Y-%m-%d %H:%M:%S}")
    create_record_type(organization=organization, name="Employee", is_default=True)
    groups = [Group.objects.create(organization=organization, name=f"group{i}") for i in range(GROUP_COUNT)]
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
    contact_ids: list[int] = []
    for start in range(0, size, BATCH_LIMIT):
        results = apply_updates(
            organization=organization,
            items=[ChangeSet(values=values(n, 0)) for n in range(start, min(size, start + BATCH_LIMIT))],
            mode=UpdateMode.FULL,
            actor=ACTOR,
            channel=Channel.IMPORT,
        )
        contact_ids.extend(result.contact_id for result in results)
    return Scenario(organization, contact_ids, groups, phone, email, attributes)


def engine_items(scenario: Scenario, variant: int, indices: Sequence[int] | None = None) -> list[ChangeSet]:
    """FULL updates of the scenario's contacts (all, or those at ``indices``) to ``variant``."""
    indices = range(scenario.size) if indices is None else indices
    return [ChangeSet(values=values(n, variant), contact_id=scenario.contact_ids[n]) for n in indices]


def reset_groups(scenario: Scenario) -> None:
    """Take the scenario's contacts back to their first group alone (untimed, between runs)."""
    listed, params = among(scenario.contact_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table(GroupLink)} WHERE group_id <> %s AND contact_id {listed}",
            [scenario.groups[0].pk, *params],
        )
