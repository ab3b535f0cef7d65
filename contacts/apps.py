from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts"

    def ready(self) -> None:
        from contacts.api import schema  # noqa: F401 - registers the OpenAPI security schemes
        from contacts.db import connect_signals

        connect_signals()
