"""Importing rows through the engine (DESIGN §12): matching, PARTIAL per column, FULL, errors
by line and column, dry runs, XLSX, and a query count that grows with batches, not rows."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from contacts.dialects.spreadsheet.columns import HeaderRefused
from contacts.models import Contact, ContactChange
from contacts.services import UpdateMode
from tests.spreadsheet.conftest import run_import


def snapshot():
    return list(Contact.objects.order_by("pk").values()), ContactChange.objects.count()


def test_new_external_ids_are_created_and_known_ones_updated(api, org, plain):
    content = (
        "externalId,firstName,lastName,groupsName,path:phone\n"
        "001,New,Name,group2,\n"
        "002,Bea,Two,group1;group3,+442079460000\n"
    )

    outcomes = run_import(org, content)

    assert [(o.line, o.status) for o in outcomes] == [(2, "updated"), (3, "created")]
    assert outcomes[0].changes["first_name"] == {"before": "Old", "after": "New"}
    updated = api.get(plain)
    assert updated["firstName"] == "New" and updated["groupsName"] == ["group1", "group2"]
    assert updated["paths"] == [], "an empty path cell removes the path"
    assert updated["contactAttributes"][0]["values"] == ["option3"], "a column left out keeps its field"
    created = api.get(outcomes[1].contact_id)
    assert created["externalId"] == "002" and created["groupsName"] == ["group1", "group3"]
    assert created["recordTypeName"] == "Employee", "a new contact gets the default record type"
    assert created["paths"][0]["value"] == "+442079460000"
    assert api.history(plain)[0]["channel"] == "import"


def test_a_path_column_keeps_the_quiet_time_frames_and_the_other_paths(api, org, rich):
    outcomes = run_import(org, f"id,path:phone\n{rich},+44 20 7946 0999\n")

    assert outcomes[0].status == "updated"
    paths = {path["prompt"]: path for path in api.get(rich)["paths"]}
    assert paths["phone"]["value"] == "+442079460999" and paths["phone"]["countryCode"] == "GB"
    assert paths["phone"]["quietTimeFrames"][0]["name"] == "night"
    assert paths["email"]["value"] == "ada@example.com"


def test_problems_are_named_by_line_and_column_and_the_other_rows_apply(api, org, plain):
    before = api.get(plain)
    content = (
        "externalId,firstName,lastName,email,path:phone,attr:attr1,groupsName\n"
        "001,Changed,Name,not-an-email,12,option9,nogroup\n"
        "002,Fine,Row,,,option1,\n"
    )

    outcomes = run_import(org, content)

    assert outcomes[0].line == 2 and outcomes[0].status == "error"
    assert set(outcomes[0].errors) == {"email", "path:phone", "attr:attr1", "groupsName"}
    assert outcomes[1].status == "created"
    assert api.get(plain) == before


def test_an_unknown_column_refuses_the_file_before_any_row(org, plain):
    before = snapshot()

    with pytest.raises(HeaderRefused, match=r"'colour'.*'path:pager'"):
        run_import(org, "externalId,colour,path:pager\n001,red,1\n")

    assert snapshot() == before


def test_rows_naming_an_unknown_id_or_the_same_contact_twice_fail_alone(org, plain):
    content = f"id,externalId,firstName\n999999,,X\nabc,,X\n{plain},,A\n,001,B\n"

    outcomes = run_import(org, content)

    assert [o.status for o in outcomes] == ["error", "error", "updated", "error"]
    assert list(outcomes[0].errors) == ["id"] and list(outcomes[1].errors) == ["id"]
    assert "Line 4" in outcomes[3].errors["externalId"][0]


def test_full_mode_states_the_whole_contact(api, org, plain):
    outcomes = run_import(
        org, "externalId,firstName,lastName,recordTypeName\n001,Only,Names,Employee\n", mode=UpdateMode.FULL
    )

    assert outcomes[0].status == "updated"
    contact = api.get(plain)
    assert contact["email"] == "" and contact["paths"] == [] and contact["contactAttributes"] == []
    assert contact["groupsName"] == ["group1"], "FULL never removes groups"
    missing = run_import(org, "externalId,firstName\n001,X\n", mode=UpdateMode.FULL)
    assert set(missing[0].errors) == {"lastName", "recordTypeName"}


def test_a_dry_run_answers_what_the_real_run_does_and_writes_nothing(org, plain):
    content = "externalId,firstName,lastName,email\n001,New,Name,\n002,Bea,Two,bea@\n003,Cy,Three,\n"
    before = snapshot()

    dry = run_import(org, content, dry_run=True)
    assert snapshot() == before
    real = run_import(org, content)

    strip = [(o.line, o.status, dict(o.changes), dict(o.errors)) for o in dry]
    assert strip == [(o.line, o.status, dict(o.changes), dict(o.errors)) for o in real]
    assert [o.status for o in real] == ["updated", "error", "created"]


def test_xlsx_reads_as_csv_does(api, org, refs):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["externalId", "firstName", "lastName", "birthDate", "countryId", "tags"])
    sheet.append(["x1", "Xl", "Sheet", __import__("datetime").datetime(1990, 5, 17), 49, "a;b"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    outcomes = run_import(org, buffer.getvalue())

    contact = api.get(outcomes[0].contact_id)
    assert (contact["birthDate"], contact["countryId"], contact["tags"]) == ("1990-05-17", 49, ["a", "b"])


def test_files_that_are_not_spreadsheets_are_refused(org):
    from contacts.dialects.spreadsheet.files import FileRefused

    with pytest.raises(FileRefused, match="UTF-8"):
        run_import(org, b"externalId,firstName\n" + "001,Ren\xe9\n".encode("latin-1"))
    with pytest.raises(FileRefused, match="XLSX"):
        run_import(org, b"PK\x03\x04 not really a zip")


def test_queries_grow_with_batches_not_rows(org, refs):
    runs = iter(range(10))

    def queries(rows: int) -> int:
        run = next(runs)
        lines = "".join(f"q{run}-{n},F{n},L{n},group1,+8613800138{n:03d}\n" for n in range(rows))
        with CaptureQueriesContext(connection) as captured:
            outcomes = run_import(org, "externalId,firstName,lastName,groupsName,path:phone\n" + lines, batch_size=50)
        assert {o.status for o in outcomes} == {"created"}
        return len(captured.captured_queries)

    assert queries(50) == queries(5)
    assert queries(100) <= 2 * queries(5)


def test_topics_are_ids_and_an_unknown_one_is_named(api, org, refs):
    first, second = refs.topics
    content = f"externalId,firstName,lastName,topics\nt1,Tia,One,{first.pk};{second.pk}\nt2,Tom,Two,999999\n"

    outcomes = run_import(org, content)

    assert api.get(outcomes[0].contact_id)["topics"] == sorted([first.pk, second.pk])
    assert outcomes[1].status == "error" and list(outcomes[1].errors) == ["topics"]
