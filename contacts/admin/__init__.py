"""Admin of the contacts app, one module per concept; importing them registers their admins."""

from contacts.admin import apikey, contact, history, organization, reference, tenancy, webhooks

__all__ = ["apikey", "contact", "history", "organization", "reference", "tenancy", "webhooks"]
