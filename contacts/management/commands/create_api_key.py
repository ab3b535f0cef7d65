"""``manage.py create_api_key --org ID --scopes a,b [--username U]``: issue a key, shown once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.auth.keys import issue_api_key, parse_scopes
from contacts.models import ApiKey, Organization, Scope


class Command(BaseCommand):
    help = "Issue an API key for an organization. The key is printed once and stored only hashed/encrypted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", type=int, required=True, help="Organization id.")
        parser.add_argument(
            "--scopes",
            default=f"{Scope.CONTACTS_READ},{Scope.CONTACTS_WRITE}",
            help=f"Comma-separated scopes among: {', '.join(Scope.values)}.",
        )
        parser.add_argument("--username", default="", help="Username for Basic and WSSE auth (default: generated).")
        parser.add_argument("--name", default="", help="A label for people.")

    def handle(self, *args, org: int, scopes: str, username: str, name: str, **options) -> None:
        organization = Organization.objects.filter(pk=org).first()
        if organization is None:
            raise CommandError(f"No organization with id {org}.")
        try:
            scope_list = parse_scopes(scopes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if username and ApiKey.objects.filter(username=username).exists():
            raise CommandError(f"The username {username!r} is taken.")
        issued = issue_api_key(organization=organization, scopes=scope_list, username=username, name=name)
        self.stdout.write(f"username: {issued.api_key.username}")
        self.stdout.write(f"key: {issued.secret}")
        self.stdout.write(f"scopes: {','.join(issued.api_key.scopes)}")
        self.stdout.write(self.style.WARNING("Copy the key now: it is not shown again."))
