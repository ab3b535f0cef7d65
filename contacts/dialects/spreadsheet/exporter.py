"""Exporting contacts as CSV in the import's columns (DESIGN §12), streamed: contacts are read
a thousand at a time (a fixed number of queries each) and written a line at a time, so an
export of any size runs in bounded memory and imports back to no change."""

from collections.abc import Iterator
from itertools import islice

from django.db.models import Model, QuerySet

from contacts.dialects.native.serializers import ContactCoreOutputSerializer
from contacts.dialects.spreadsheet.columns import Header, export_columns, organization_definitions
from contacts.dialects.spreadsheet.files import csv_lines

CHUNK = 1000


def export_csv(organization: Model, contacts: QuerySet, *, byte_order_mark: bool = True) -> Iterator[str]:
    """CSV lines for ``contacts`` (a ``contacts_for_read`` queryset of ``organization``, in any
    filter): the header, then one line per contact. ``byte_order_mark`` helps spreadsheet
    programs read UTF-8; API clients may do without."""
    definitions = organization_definitions(organization)
    header = Header(export_columns(definitions), definitions)
    lines = csv_lines(_rows(header, contacts))
    if not byte_order_mark:
        next(lines)
    return lines


def _rows(header: Header, contacts: QuerySet) -> Iterator[list[str]]:
    yield list(header.columns)
    found = contacts.iterator(chunk_size=CHUNK)
    while chunk := list(islice(found, CHUNK)):
        for contact in ContactCoreOutputSerializer(chunk, many=True).data:
            yield header.row_for(contact)
