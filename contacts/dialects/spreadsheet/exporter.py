"""Exporting contacts as CSV in the import's columns (DESIGN §12), streamed: contacts are read
a thousand at a time (one statement each) and written a line at a time, so an export of any
size runs in bounded memory and imports back to no change."""

from collections.abc import Iterator

from django.db.models import Model, QuerySet

from contacts.dialects.native.render import render_contact
from contacts.dialects.spreadsheet.columns import Header, export_columns, organization_definitions
from contacts.dialects.spreadsheet.files import csv_lines
from contacts.documents import ContactDocuments

CHUNK = 1000


def export_csv(organization: Model, contacts: QuerySet, *, byte_order_mark: bool = True) -> Iterator[str]:
    """CSV lines for ``contacts`` (a queryset of ``organization``'s contacts, in any
    filter): the header, then one line per contact. ``byte_order_mark`` helps spreadsheet
    programs read UTF-8; API clients may do without."""
    definitions = organization_definitions(organization)
    header = Header(export_columns(definitions), definitions)
    lines = csv_lines(_rows(header, ContactDocuments(organization, contacts)))
    if not byte_order_mark:
        next(lines)
    return lines


def _rows(header: Header, contacts: ContactDocuments) -> Iterator[list[str]]:
    yield list(header.columns)
    for chunk in contacts.chunks(CHUNK):
        for contact in chunk:
            yield header.row_for(render_contact(contact))
