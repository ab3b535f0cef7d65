"""Contacts named by their external id, the other key a client may know them by (DESIGN §4:
unique in its organization, or empty): found in one statement, whatever the organization's
size (``contacts.foundations.sql.owned``)."""

from collections.abc import Iterable

from django.db import connection

from contacts.foundations.sql import select, table
from contacts.models import Contact, Organization

#: The condition of the (organization, external id) index (contacts/models/contact.py), as written there.
HAS_EXTERNAL_ID = "NOT (contact.external_id = '')"


def contact_ids_by_external_id(organization: Organization, external_ids: Iterable[object]) -> dict[str, int]:
    """``{external id: contact id}`` for the given external ids (one query).

    The (organization, external id) index is partial (an empty external id is no external
    id): a statement can use it only if it says ``NOT (external_id = '')`` itself, a value
    its plan cannot count on. On PostgreSQL each external id is also looked up on its own,
    inside the one statement, a descent of that index per value: ``external_id IN (…)``
    beside the organization is planned once for every organization (generic plans), to read
    all of the organization's contacts and keep the wanted ones (see ``owned``)."""
    wanted = sorted({value for value in external_ids if isinstance(value, str) and value})
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        sql = (
            "SELECT found.external_id, found.id FROM unnest(CAST(%s AS text[])) AS wanted(value) "
            f"CROSS JOIN LATERAL (SELECT contact.external_id, contact.id FROM {table(Contact)} contact "
            "WHERE contact.organization_id = %s AND contact.external_id = wanted.value "
            f"AND {HAS_EXTERNAL_ID} LIMIT 1) found"
        )
        return dict(select(sql, [wanted, organization.pk]))
    sql = (
        f"SELECT contact.external_id, contact.id FROM {table(Contact)} contact WHERE contact.organization_id = %s "
        f"AND contact.external_id IN ({', '.join(['%s'] * len(wanted))}) AND {HAS_EXTERNAL_ID}"
    )
    return dict(select(sql, [organization.pk, *wanted]))
