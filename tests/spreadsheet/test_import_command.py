"""``manage.py import_contacts``: summary, per-row report, dry run, exit status, and 100,000
rows in bounded memory."""

import csv
import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact, ContactChange

HEADER = "externalId,firstName,lastName,email\n"


def run(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_and_summarized(tmp_path, org, refs):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "c1,Ada,Lovelace,ada@example.com\nc2,Bea,Two,\n")

    out, _ = run(path, "--org", str(org.pk))

    assert "2 created, 0 updated, 0 unchanged, 0 error (2 rows)" in out
    assert sorted(Contact.objects.values_list("external_id", flat=True)) == ["c1", "c2"]
    assert set(ContactChange.objects.values_list("channel", flat=True)) == {"import"}
    assert not (tmp_path / "people-errors.csv").exists()


def test_failed_rows_are_named_and_reported_and_the_rest_applied(tmp_path, org, refs):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "c1,Ada,Lovelace,ada@\nc2,Bea,Two,\n")

    with pytest.raises(CommandError, match="1 rows failed"):
        run(path, "--org", str(org.pk))

    with (tmp_path / "people-errors.csv").open() as report:
        assert list(csv.reader(report)) == [
            ["line", "column", "problem"],
            ["2", "email", "'ada@' is not a valid email address."],
        ]
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["c2"]


def test_the_summary_names_each_failed_line(tmp_path, org, refs, capsys):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "c1,Ada,Lovelace,ada@\n")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_contacts", str(path), "--org", str(org.pk), stdout=out, stderr=io.StringIO())

    assert "line 2: email: 'ada@' is not a valid email address." in out.getvalue()


def test_a_dry_run_changes_nothing(tmp_path, org, refs):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "c1,Ada,Lovelace,\n")

    out, _ = run(path, "--org", str(org.pk), "--dry-run")

    assert "Dry run, nothing changed: would be 1 created" in out
    assert not Contact.objects.exists() and not ContactChange.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("externalId,colour\nc1,red\n", "unknown columns: 'colour'"), (b"\xff\xfe,x\n", "not UTF-8")],
)
def test_unreadable_files_stop_before_any_change(tmp_path, org, refs, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())

    with pytest.raises(CommandError, match=message):
        run(path, "--org", str(org.pk))

    assert not Contact.objects.exists()


def test_unknown_organization_and_file(tmp_path, org):
    with pytest.raises(CommandError, match="No organization"):
        run(tmp_path / "x.csv", "--org", "999999")
    with pytest.raises(CommandError, match="No file"):
        run(tmp_path / "x.csv", "--org", str(org.pk))


def peak_memory_of_import(path, org, rows: int) -> int:
    with path.open("w") as file:
        file.write("externalId,firstName,lastName,groupsName\n")
        file.writelines(f"{path.stem}{n},First{n},Last{n},group1\n" for n in range(rows))
    tracemalloc.start()
    try:
        out, _ = run(path, "--org", str(org.pk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{rows} created" in out
    return peak


def test_memory_does_not_grow_with_the_file(tmp_path, org, refs):
    """The file is read, applied and reported a batch of 1,000 rows at a time, so six times
    the rows take no more memory at the peak: what a 100,000-row file needs (README) is what
    2,000 rows need. Holding the rows or their outcomes would add megabytes here."""
    small = peak_memory_of_import(tmp_path / "small.csv", org, 2_000)
    large = peak_memory_of_import(tmp_path / "large.csv", org, 12_000)

    assert Contact.objects.filter(organization=org).count() == 14_000
    assert large < small + 1024 * 1024, f"{small / 2**20:.1f} MiB for 2,000 rows, {large / 2**20:.1f} MiB for 12,000"
