"""Import and export on the contact list (DESIGN §12): upload → dry-run preview → confirm, and
the filtered list as CSV; scoped to the organizations a staff user is a member of."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from contacts.models import Contact, ContactChange, Membership
from tests import factories
from tests.spreadsheet.conftest import export

IMPORT_URL = "/admin/contacts/contact/import/"
EXPORT_URL = "/admin/contacts/contact/export/"
FILE = "externalId,firstName,lastName,email\n001,Renamed,Name,\n002,Bea,Two,bea@\n003,Cy,Three,cy@example.com\n"


@pytest.fixture
def staff(org) -> Client:
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="contacts", codename__endswith="contact")
    )
    Membership.objects.create(user=user, organization=org)
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, org, content: str, name: str = "people.csv", mode: str = "partial"):
    file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post(IMPORT_URL, {"organization": org.pk, "mode": mode, "file": file})


def state():
    return list(Contact.objects.order_by("pk").values()), ContactChange.objects.count()


def row_outcomes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr class="import-\w+">\s*<td>(\d+)</td>\s*<td>(\w+)</td>', html)


def test_the_preview_shows_every_row_and_writes_nothing(staff, org, plain):
    before = state()

    response = upload(staff, org, FILE)

    html = response.content.decode()
    assert response.status_code == 200 and "Preview of the import" in html
    assert row_outcomes(html) == [("3", "error"), ("2", "updated"), ("4", "created")]
    assert "First name: Old → Renamed" in html and "email" in html
    assert "1 created, 1 updated, 0 unchanged, 1 error" in html
    assert state() == before


def test_confirming_applies_what_the_preview_showed(staff, org, plain):
    preview = upload(staff, org, FILE).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)

    response = staff.post(IMPORT_URL, {"token": token})

    html = response.content.decode()
    assert row_outcomes(html) == row_outcomes(preview)
    assert Contact.objects.get(pk=plain).first_name == "Renamed"
    assert sorted(Contact.objects.values_list("external_id", flat=True)) == ["001", "003"]
    assert ContactChange.objects.filter(channel="import", actor="user:clerk").count() == 2
    again = staff.post(IMPORT_URL, {"token": token}, follow=True)
    assert "upload the file again" in again.content.decode(), "a preview is confirmed once"


def test_a_token_is_bound_to_its_user(staff, org, plain):
    preview = upload(staff, org, FILE).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    other = User.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(other)
    before = state()

    client.post(IMPORT_URL, {"token": token})
    client.post(IMPORT_URL, {"token": token[:-2] + "xx"})

    assert state() == before


def test_a_bad_header_is_shown_on_the_form(staff, org):
    response = upload(staff, org, "externalId,colour\n1,red\n")

    assert response.status_code == 200 and "unknown columns: &#x27;colour&#x27;" in response.content.decode()
    assert not Contact.objects.exists()


def test_another_organization_cannot_be_chosen(staff, org, other_org):
    before = state()

    response = upload(staff, other_org, FILE)

    assert "Select a valid choice" in response.content.decode()
    assert state() == before


def test_the_export_is_the_filtered_list_in_the_import_columns(staff, org, rich, plain_other):
    response = staff.get(EXPORT_URL, {"q": "Lovelace"})

    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["id"] for row in rows] == [str(rich)]
    assert text.lstrip("\ufeff").splitlines()[0] == export(org).lstrip("\ufeff").splitlines()[0]


def test_the_export_of_everything_imports_back_unchanged(staff, org, rich, plain_other):
    text = b"".join(staff.get(EXPORT_URL).streaming_content).decode()
    before = state()

    html = upload(staff, org, text).content.decode()

    assert row_outcomes(html) and {status for _, status in row_outcomes(html)} == {"unchanged"}
    assert state() == before


def test_the_export_holds_only_reachable_contacts(staff, org, other_org, rich):
    factories.make_contact(other_org, first_name="Hidden", last_name="Lovelace")

    text = b"".join(staff.get(EXPORT_URL).streaming_content).decode()

    assert "Hidden" not in text and str(rich) in text


def test_the_list_offers_import_and_export(staff, org):
    html = staff.get("/admin/contacts/contact/").content.decode()

    assert IMPORT_URL in html and EXPORT_URL in html
