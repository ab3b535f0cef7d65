"""``manage.py purge_idempotency_keys``: delete the answers kept for ``Idempotency-Key``
retries once their 24 hours are over (DESIGN §10). Writes also purge their organization's
expired records as they go; this command is for a periodic job (cron) and for tenants that
stopped writing."""

from django.core.management.base import BaseCommand

from contacts.api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records."

    def handle(self, *args, **options) -> None:
        count = purge_expired()
        self.stdout.write(f"Deleted {count} expired idempotency records.")
