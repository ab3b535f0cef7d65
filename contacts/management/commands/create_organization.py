"""``manage.py create_organization NAME``: create a tenant and print its id."""

from django.core.management.base import BaseCommand, CommandParser

from contacts.models import Organization


class Command(BaseCommand):
    help = "Create an organization (tenant) and print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Display name of the organization.")

    def handle(self, *args, name: str, **options) -> None:
        organization = Organization.objects.create(name=name)
        self.stdout.write(str(organization.pk))
