"""Realistic nested payloads for engine tests (canonical names, as dialects hand them in)."""

from contacts.models import Channel
from contacts.services import Actor, ChangeSet, UpdateMode, apply_updates

ACTOR = Actor(label="test")


def full_values(n: int, *, nested: int = 1, variant: str = "a") -> dict:
    """A FULL contact with ``nested`` items of every nested kind."""
    return {
        "external_id": f"ext-{n}",
        "first_name": f"First{n}{variant}",
        "last_name": f"Last{n}{variant}",
        "email": f"c{n}{variant}@example.com",
        "company_name": f"Company {variant}",
        "title": f"Title {variant}",
        "record_type_name": "Employee",
        "timezone_id": "Europe/Paris",
        "group_names": [f"group{i}" for i in range(nested)],
        "topics": "TOPICS",
        "tags": [f"tag{i}{variant}" for i in range(nested)],
        "addresses": [{"location_name": f"Place {i}", "city": f"City {variant}"} for i in range(nested)],
        "paths": [
            {
                "prompt": f"path{i}",
                "value": f"value {i} {variant}",
                "quiet_time_frames": [
                    {"name": "night", "days": [1, 7], "from_hour": 22 if variant == "a" else 21, "to_hour": 7}
                ],
            }
            for i in range(nested)
        ],
        "attributes": [{"name": f"attr{i}", "values": [f"v{variant}"]} for i in range(nested)],
    }


def apply(org, items, mode=UpdateMode.FULL):
    return apply_updates(organization=org, items=items, mode=mode, actor=ACTOR, channel=Channel.NATIVE)


def create_contacts(org, count: int, *, nested: int = 1, topics: list[int] = (), start: int = 0) -> list[int]:
    values = [full_values(n, nested=nested) | {"topics": list(topics)} for n in range(start, start + count)]
    results = apply(org, [ChangeSet(values=v) for v in values])
    assert all(result.ok for result in results), [r.problems for r in results if not r.ok][:3]
    return [result.contact_id for result in results]
