"""``manage.py deliver_webhooks``: the webhook delivery worker (README "Change events").
Run one or several (they share the work safely); ``--once`` drains what is due and exits."""

from django.core.management.base import BaseCommand

from contacts.webhooks.delivery import deliver


class Command(BaseCommand):
    help = "Send webhook deliveries: turn new changes into deliveries, send what is due, retry failures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")
        parser.add_argument("--batch-size", type=int, default=100, help="Deliveries claimed at a time.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds to wait when nothing is due.")

    def handle(self, *args, once: bool, batch_size: int, poll: float, **options) -> None:
        attempts = deliver(once=once, batch_size=batch_size, poll_seconds=poll)
        self.stdout.write(f"Made {attempts} delivery attempts.")
