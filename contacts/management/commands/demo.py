"""``manage.py demo``: a ready-to-explore organization, idempotent.

Creates the seeds' example objects (record type ``Employee``, groups ``group1``..``group3``,
multiple-choice attribute ``attr1``, ``phone`` and ``email`` paths, a topic, a source and a
few contacts), a demo superuser and an API key, then prints how to use them.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from attributes.models import AttributeDefinition, DataType, DisplayFormat
from contacts.auth.keys import decrypt_key, issue_api_key
from contacts.management.demo_contacts import DEMO_CONTACTS, ensure_demo_contacts
from contacts.models import ApiKey, Contact, Group, Membership, Organization, RecordType, Scope, Source, Topic
from contacts.services.reference import create_record_type
from paths.models import PathDefinition, PathKind

DEMO_ORGANIZATION = "Demo organization"
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"
DEMO_KEY_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or refresh) a demo organization with example data, a superuser and an API key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Base URL printed in the examples.")

    @transaction.atomic
    def handle(self, *args, host: str, **options) -> None:
        organization, _ = Organization.objects.get_or_create(name=DEMO_ORGANIZATION)
        if not RecordType.objects.filter(organization=organization, name="Employee").exists():
            create_record_type(organization=organization, name="Employee", is_default=True)
        for name in ("group1", "group2", "group3"):
            Group.objects.get_or_create(organization=organization, name=name)
        Topic.objects.get_or_create(organization=organization, name="Newsletter")
        Source.objects.get_or_create(organization=organization, name="Demo import")
        AttributeDefinition.objects.get_or_create(
            organization=organization,
            name="attr1",
            defaults={
                "data_type": DataType.STRING,
                "display_format": DisplayFormat.MULTIPLE_CHOICE,
                "defined_values": ["option1", "option2", "option3"],
                "field_id": 100,
            },
        )
        PathDefinition.objects.get_or_create(
            organization=organization, prompt="phone", defaults={"kind": PathKind.PHONE}
        )
        PathDefinition.objects.get_or_create(
            organization=organization, prompt="email", defaults={"kind": PathKind.EMAIL}
        )
        ensure_demo_contacts(organization)

        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = get_user_model().objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
        Membership.objects.get_or_create(user=user, organization=organization)

        api_key = ApiKey.objects.filter(username=DEMO_KEY_USERNAME).first()
        if api_key is None:
            api_key = issue_api_key(
                organization=organization,
                scopes=list(Scope.values),
                username=DEMO_KEY_USERNAME,
                name="Demo key",
            ).api_key
        secret = decrypt_key(api_key)

        self.stdout.write(self.style.SUCCESS(f"Demo organization id {organization.pk}, {len(DEMO_CONTACTS)} contacts."))
        self.stdout.write(f"Admin:        {host}/admin/  (user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r})")
        self.stdout.write(f"Browsable API: {host}/rest/   API docs: {host}/api/docs/")
        self.stdout.write(f"API key:      username {api_key.username!r}, key {secret}")
        self.stdout.write(f"  export KEY={secret} USERNAME={api_key.username}")
        self.stdout.write("Contacts (id, public id for /external/v1, name):")
        for contact in Contact.objects.filter(organization=organization).order_by("pk"):
            self.stdout.write(f"  {contact.pk:>4}  {contact.uid}  {contact.first_name} {contact.last_name}")
        self.stdout.write("Try:")
        self.stdout.write(f'  curl -H "Authorization: Bearer {secret}" {host}/rest/contacts/{organization.pk}')
