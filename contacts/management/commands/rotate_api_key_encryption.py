"""``manage.py rotate_api_key_encryption``: re-encrypt stored API keys with the first key of
``API_KEY_ENCRYPTION_KEYS`` (README, "Rotating the API key encryption key")."""

from django.core.management.base import BaseCommand

from contacts.auth.keys import rotate_key_encryption


class Command(BaseCommand):
    help = "Re-encrypt every stored API key and webhook signing secret with the newest encryption key."

    def handle(self, *args, **options) -> None:
        count = rotate_key_encryption()
        self.stdout.write(f"Re-encrypted {count} API keys and webhook secrets with the newest encryption key.")
