"""Native create (POST /rest/contacts/{org}, with ``?upsert=true``) and delete
(DELETE /rest/contacts/{org}/{id}); DESIGN §9 "Create" and "Delete"."""

import re

import pytest

from contacts.models import Contact, ContactChange
from tests.dialects.native.helpers import assert_error, assert_ok, minimal, seed_contact

UID = re.compile(r"^cnt_[a-z0-9]{12}$")


def test_post_creates_the_whole_contact(api, org, refs):
    body = minimal(
        externalId="new-1",
        email="new@example.com",
        groupsName=["group2"],
        tags=["vip"],
        paths=[{"prompt": "phone", "countryCode": "CN", "value": "17525889654"}],
        contactAttributes=[{"name": "attr1", "values": ["option1"]}],
    )

    response = api.post(body)

    created = assert_ok(response, 201)
    assert UID.match(created["uid"])
    assert created["version"] == 1
    assert response["Location"].endswith(f"/rest/contacts/{org.pk}/{created['id']}")
    assert response["ETag"] == f'"{created["id"]}-1"'
    assert api.client.get(response["Location"]).json() == created == api.get(created["id"])
    assert (created["externalId"], created["email"], created["recordTypeName"]) == (
        "new-1",
        "new@example.com",
        "Employee",
    )
    assert created["groupsName"] == ["group2"]
    assert created["tags"] == ["vip"]
    assert created["paths"][0]["value"] == "+8617525889654"
    assert created["contactAttributes"][0]["values"] == ["option1"]
    assert created["createdAt"] == created["updatedAt"]
    [entry] = api.history(created["id"])
    assert (entry["mode"], entry["channel"]) == ("create", "native")
    assert entry["changes"]["firstName"] == {"before": None, "after": "F"}


def test_post_ignores_an_id_in_the_body(api, refs, plain):
    snapshot = api.snapshot(plain)

    created = assert_ok(api.post(minimal(externalId="new-1", id=plain)), 201)

    assert created["id"] != plain
    api.assert_unchanged(snapshot)


def test_post_with_an_existing_external_id_is_a_conflict(api, refs, plain):
    snapshot = api.snapshot(plain)
    count = Contact.objects.count()

    body = assert_error(api.post(minimal(firstName="Dup")), 409, "CONFLICT", ["/externalId"])

    assert body["existingId"] == plain
    assert Contact.objects.count() == count
    api.assert_unchanged(snapshot)


def test_the_external_id_of_another_organization_is_free(api, other_org, refs):
    other = seed_contact(other_org, external_id="001", first_name="T", last_name="O", record_type_name="Employee")

    created = assert_ok(api.post(minimal()), 201)

    assert created["id"] != other
    assert Contact.objects.get(pk=other).first_name == "T"


@pytest.mark.parametrize(
    "body, pointers",
    [
        ({}, ["/firstName", "/lastName", "/externalId", "/recordTypeId"]),
        (minimal(recordTypeName="Nope"), ["/recordTypeName"]),
        (minimal(groupsName=["ghost"]), ["/groupsName/0"]),
        (minimal(uid="cnt_aaaaaaaaaaaa"), ["/uid"]),
        (minimal(version=1), ["/version"]),
        (minimal(score=2.0), ["/score"]),
        (minimal(nickname="x"), ["/nickname"]),
        (minimal(paths=[{"prompt": "phone", "value": "12", "countryCode": "CN"}]), ["/paths/0/value"]),
    ],
)
def test_an_invalid_post_creates_nothing(api, refs, body, pointers):
    count, history = Contact.objects.count(), ContactChange.objects.count()

    assert_error(api.post(body), 400, "VALIDATION_ERROR", pointers)

    assert (Contact.objects.count(), ContactChange.objects.count()) == (count, history)


@pytest.mark.parametrize("raw", ["[]", '"x"', '{"firstName": '])
def test_a_post_body_that_is_not_an_object_creates_nothing(api, refs, raw):
    assert_error(api.send_raw("post", api.url(), raw), 400, "VALIDATION_ERROR")

    assert not Contact.objects.exists()


@pytest.mark.parametrize("flag", ["true", "1", "True"])
def test_upsert_with_an_existing_external_id_is_a_full_update(api, rich, flag):
    response = api.post(minimal(title="Upserted"), f"?upsert={flag}")

    updated = assert_ok(response, 200)
    assert updated["id"] == rich
    after = api.get(rich)
    assert after == updated
    assert (after["title"], after["email"], after["paths"], after["version"]) == ("Upserted", "", [], 2)
    assert after["groupsName"] == ["group1"]
    assert api.history(rich)[0]["mode"] == "full"
    assert Contact.objects.count() == 1


def test_upsert_with_a_new_external_id_creates(api, rich):
    response = api.post(minimal(externalId="002"), "?upsert=true")

    created = assert_ok(response, 201)
    assert created["id"] != rich
    assert api.get(created["id"])["externalId"] == "002"
    assert api.history(created["id"])[0]["mode"] == "create"
    assert Contact.objects.count() == 2


def test_an_invalid_upsert_changes_nothing(api, rich):
    snapshot = api.snapshot(rich)

    assert_error(api.post(minimal(gender="robot"), "?upsert=true"), 400, "VALIDATION_ERROR", ["/gender"])

    api.assert_unchanged(snapshot)


def test_upsert_false_still_conflicts(api, rich):
    snapshot = api.snapshot(rich)

    assert_error(api.post(minimal(), "?upsert=false"), 409, "CONFLICT", ["/externalId"])

    api.assert_unchanged(snapshot)


def test_post_records_the_source(api, refs):
    created = assert_ok(api.post(minimal(externalId="s-1", sourceId=refs.source.pk)), 201)

    assert created["createdSourceId"] == created["modifiedSourceId"] == refs.source.pk
    assert api.history(created["id"])[0]["sourceId"] == refs.source.pk


# --- delete ----------------------------------------------------------------------------------------


def test_delete_removes_the_contact_and_keeps_its_history(api, org, rich):
    assert_ok(api.patch(rich, {"title": "Lady"}))
    history_ids = [entry["id"] for entry in api.history(rich)]

    response = api.delete(rich)

    assert response.status_code == 204
    assert_error(api.client.get(api.url(rich)), 404, "NOT_FOUND")
    assert_error(api.client.get(f"{api.url(rich)}/history"), 404, "NOT_FOUND")
    assert not Contact.objects.filter(pk=rich).exists()
    rows = ContactChange.objects.filter(organization=org, contact_id_value=rich).order_by("id")
    assert {row.id for row in rows} >= set(history_ids)
    assert all(row.contact_id is None for row in rows)
    assert [row.mode for row in rows] == ["create", "partial", "delete"]
    assert rows.last().channel == "native"


def test_delete_leaves_other_contacts_alone(api, org, rich):
    other = seed_contact(org, external_id="002", first_name="O", last_name="T", record_type_name="Employee")
    snapshot = api.snapshot(other)

    assert api.delete(rich).status_code == 204

    api.assert_unchanged(snapshot)


def test_delete_twice_is_a_404(api, rich):
    assert api.delete(rich).status_code == 204

    assert_error(api.delete(rich), 404, "NOT_FOUND")
    assert_error(api.client.get(api.url(rich)), 404, "NOT_FOUND")
    assert ContactChange.objects.filter(contact_id_value=rich, mode="delete").count() == 1


@pytest.mark.parametrize("contact_id", ["999999", "abc", "0", "99999999999999999999999"])
def test_delete_of_an_unknown_contact_is_a_404(api, rich, contact_id):
    snapshot = api.snapshot(rich)

    assert_error(api.delete(contact_id), 404, "NOT_FOUND")

    api.assert_unchanged(snapshot)


def test_the_external_id_of_a_deleted_contact_can_be_reused(api, rich):
    assert api.delete(rich).status_code == 204

    created = assert_ok(api.post(minimal()), 201)

    assert created["externalId"] == "001"
    assert [entry["mode"] for entry in api.history(created["id"])] == ["create"]


@pytest.mark.parametrize("external_id", [["001"], {"id": "001"}])
def test_upsert_with_an_external_id_that_is_not_text_is_a_400(api, rich, external_id):
    snapshot = api.snapshot(rich)

    assert_error(api.post(minimal(externalId=external_id), "?upsert=true"), 400, "VALIDATION_ERROR", ["/externalId"])

    api.assert_unchanged(snapshot)
