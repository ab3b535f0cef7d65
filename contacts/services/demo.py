"""Demo contacts for ``manage.py demo``, written through the update engine."""

from django.utils import timezone

from contacts.models import Contact, Organization, RecordType

DEMO_CONTACTS: tuple[dict[str, str], ...] = (
    {
        "external_id": "001",
        "first_name": "Malekith",
        "last_name": "the Accursed",
        "email": "malekith@example.com",
    },
    {
        "external_id": "002",
        "first_name": "Frigga",
        "last_name": "Fjorgynsdottir",
        "email": "frigga@example.com",
    },
    {"external_id": "003", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
    {"external_id": "004", "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
    {"external_id": "005", "first_name": "Alan", "last_name": "Turing", "email": "alan@example.com"},
)


def ensure_demo_contacts(organization: Organization) -> None:
    """Create the demo contacts that are missing (matched by external id)."""
    record_type = RecordType.objects.get(organization=organization, is_default=True)
    existing = set(Contact.objects.filter(organization=organization).values_list("external_id", flat=True))
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(organization=organization, record_type=record_type, created_at=now, updated_at=now, **fields)
        for fields in DEMO_CONTACTS
        if fields["external_id"] not in existing
    )
