"""Demo contacts for ``manage.py demo``, written through the update engine."""

from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.models import Channel, Organization
from contacts.services import Actor, ChangeSet, UpdateMode, apply_updates

DEMO_CONTACTS: tuple[dict[str, object], ...] = (
    {
        "external_id": "001",
        "first_name": "Malekith",
        "last_name": "the Accursed",
        "email": "malekith@example.com",
        "timezone_id": "Europe/Oslo",
        "group_names": ["group1", "group2"],
        "attributes": [{"name": "attr1", "values": ["option1", "option2"]}],
        "paths": [
            {
                "prompt": "phone",
                "country_code": "CN",
                "value": "17525889654",
                "quiet_time_frames": [
                    {
                        "name": "night",
                        "days": [1, 2, 3, 4, 5, 6, 7],
                        "from_hour": 22,
                        "from_min": 0,
                        "to_hour": 7,
                        "to_min": 0,
                    }
                ],
            },
            {"prompt": "email", "value": "malekith@example.com"},
        ],
        "tags": ["vip"],
        "addresses": [{"location_name": "Home", "city": "Svartalfheim", "latitude": 59.91, "longitude": 10.75}],
    },
    {"external_id": "002", "first_name": "Frigga", "last_name": "Fjorgynsdottir", "email": "frigga@example.com"},
    {
        "external_id": "003",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "group_names": ["group3"],
    },
    {"external_id": "004", "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
    {"external_id": "005", "first_name": "Alan", "last_name": "Turing", "email": "alan@example.com"},
)


def ensure_demo_contacts(organization: Organization) -> None:
    """Create the demo contacts that are missing (matched by external id)."""
    existing = contact_ids_by_external_id(organization, [str(c["external_id"]) for c in DEMO_CONTACTS])
    missing = [ChangeSet(values=values) for values in DEMO_CONTACTS if values["external_id"] not in existing]
    if missing:
        apply_updates(
            organization=organization,
            items=missing,
            mode=UpdateMode.PARTIAL,
            actor=Actor(label="demo"),
            channel=Channel.IMPORT,
        )
