"""Fixtures of the spreadsheet tests: the native tests' example objects and contacts, and
helpers that run a file through the importer and the exporter."""

import io

import pytest

from contacts.dialects.spreadsheet.exporter import export_csv
from contacts.dialects.spreadsheet.files import read_rows
from contacts.dialects.spreadsheet.importer import import_rows
from contacts.selectors import contacts_for_read
from contacts.services import Actor, ChangeSet, Channel, UpdateMode, apply_update
from tests.dialects.native.conftest import api, plain, refs, rich  # noqa: F401 - shared fixtures

IMPORTER = Actor(label="user:importer")


def run_import(org, content: str | bytes, *, mode: UpdateMode = UpdateMode.PARTIAL, dry_run: bool = False, **options):
    data = content.encode() if isinstance(content, str) else content
    return list(
        import_rows(
            organization=org, rows=read_rows(io.BytesIO(data)), mode=mode, actor=IMPORTER, dry_run=dry_run, **options
        )
    )


def export(org, contacts=None) -> str:
    return "".join(export_csv(org, contacts if contacts is not None else contacts_for_read(org)))


@pytest.fixture
def importer():
    return run_import


@pytest.fixture
def plain_other(org, refs):  # noqa: F811 - the shared fixture
    """A second contact without an external id, with a number-like title and a formula-like
    company name (both must survive the round trip)."""
    result = apply_update(
        organization=org,
        item=ChangeSet(
            values=dict(
                first_name="=HYPERLINK()",
                last_name="-Dash",
                external_id="",
                record_type_name="Employee",
                company_name="+A1",
                title="0042",
                paths=[{"prompt": "phone", "value": "+8613800138000"}],
            )
        ),
        mode=UpdateMode.PARTIAL,
        actor=IMPORTER,
        channel=Channel.NATIVE,
    )
    return result.contact_id
