"""History rows (ContactChange), written in the same transaction as the change itself."""

from collections.abc import Iterable
from datetime import datetime

from contacts.foundations.sql import insert_rows
from contacts.models import Channel, ContactChange, Mode, Organization
from contacts.services.types import Actor


def record_changes(
    *,
    organization: Organization,
    entries: Iterable[tuple[int, Mode, int | None, dict]],
    actor: Actor,
    channel: Channel,
    at: datetime,
) -> None:
    """One row per ``(contact_id, mode, source_id, changes)``, in a single insert."""
    insert_rows(
        ContactChange,
        [
            {
                "contact_id": contact_id,
                "contact_id_value": contact_id,
                "organization_id": organization.pk,
                "at": at,
                "actor": actor.label,
                "api_key_id": actor.api_key_id,
                "user_id": actor.user_id,
                "channel": channel,
                "mode": mode,
                "source_id": source_id,
                "changes": changes,
            }
            for contact_id, mode, source_id, changes in entries
        ],
    )
