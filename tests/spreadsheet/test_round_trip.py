"""An export imports back to no change (DESIGN §12), in either mode and either format."""

import csv
import io

from contacts.models import Contact, ContactChange
from contacts.services import UpdateMode
from tests.spreadsheet.conftest import export, run_import


def test_an_export_imports_back_to_no_change(org, rich, plain_other):
    versions = dict(Contact.objects.values_list("pk", "version"))
    changes = ContactChange.objects.count()
    content = export(org)

    outcomes = run_import(org, content)

    assert [(o.status, dict(o.errors)) for o in outcomes] == [("unchanged", {})] * 2
    assert dict(Contact.objects.values_list("pk", "version")) == versions
    assert ContactChange.objects.count() == changes


def test_a_full_import_of_an_export_changes_nothing_the_columns_hold(org, plain):
    """FULL states the whole contact: what no column holds (addresses, custom fields) would
    be cleared, so this contact has none."""
    versions = dict(Contact.objects.values_list("pk", "version"))
    changes = ContactChange.objects.count()

    outcomes = run_import(org, export(org), mode=UpdateMode.FULL)

    assert [(o.status, dict(o.errors)) for o in outcomes] == [("unchanged", {})]
    assert dict(Contact.objects.values_list("pk", "version")) == versions
    assert ContactChange.objects.count() == changes


def test_the_export_holds_every_column_in_native_names(org, rich, api):
    rows = list(csv.DictReader(io.StringIO(export(org).lstrip("\ufeff"))))
    stored = api.get(rich)

    row = next(row for row in rows if row["id"] == str(rich))
    assert row["firstName"] == stored["firstName"] and row["birthDate"] == "1815-12-10"
    assert row["groupsName"] == "group1" and row["tags"] == "vip;early"
    assert row["path:phone"] == "+442079460000" and row["path:phone:countryCode"] == "GB"
    assert row["attr:attr1"] == "option1;option3"
