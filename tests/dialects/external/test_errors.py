"""External refusals (DESIGN §5.1 external, §6): the ``{"success": false, "error": {...}}``
envelope with VALIDATION_ERROR, NOT_FOUND, UNAUTHORIZED or FORBIDDEN, and nothing changed."""

import pytest

from tests.dialects.external.helpers import JOHN

pytestmark = pytest.mark.django_db(transaction=True)


def assert_error(response, status: int, code: str, details: tuple[str, ...] = ()) -> dict:
    """The external error envelope, naming at least ``details`` in ``details``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"success", "error"}
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    missing = [name for name in details if name not in body["error"]["details"]]
    assert not missing, f"{missing} not in {body['error']['details']}"
    for messages in body["error"]["details"].values():
        assert messages and all(isinstance(message, str) and message for message in messages)
    return body["error"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param({"email": "not-an-email"}, ("email",), id="invalid-email"),
        pytest.param({"nickname": "Spidey"}, ("nickname",), id="unknown-field"),
        pytest.param(
            {"email": "nope", "nickname": "x", "position": "VP"}, ("email", "nickname"), id="every-problem-at-once"
        ),
        pytest.param({"tags": "hot-lead"}, ("tags",), id="tags-not-a-list"),
        pytest.param({"tags": ["ok", ""]}, ("tags/1",), id="empty-tag"),
        pytest.param({"custom_fields": ["a"]}, ("custom_fields",), id="custom-fields-not-an-object"),
        pytest.param({"position": "x" * 256}, ("position",), id="position-too-long"),
        pytest.param({"company": {"name": "Acme"}}, ("company",), id="company-not-text"),
        pytest.param({"name": "A" * 101}, ("name",), id="name-too-long"),
    ],
)
def test_invalid_body_is_a_validation_error_naming_each_field(external, native, john, body, fields):
    before = native.snapshot(john["id"])

    error = assert_error(external.put(john["uid"], body), 400, "VALIDATION_ERROR", fields)

    assert set(error["details"]) == set(fields)
    native.assert_unchanged(before)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"position": "VP of Engineering",', id="malformed-json"),
        pytest.param('{"position": }', id="malformed-value"),
        pytest.param('["position", "VP"]', id="array"),
        pytest.param('"VP of Engineering"', id="string"),
        pytest.param("42", id="number"),
        pytest.param("null", id="null"),
    ],
)
def test_body_that_is_not_a_json_object_is_a_validation_error(external, native, john, raw):
    before = native.snapshot(john["id"])

    assert_error(external.put_raw(john["uid"], raw), 400, "VALIDATION_ERROR")

    native.assert_unchanged(before)


@pytest.mark.parametrize(
    ("field", "equal", "different"),
    [
        pytest.param("id", lambda wire: wire["id"], "cnt_aaaaaaaaaaaa", id="id"),
        pytest.param("created_at", lambda wire: wire["created_at"], "2020-01-01T00:00:00Z", id="created_at"),
        pytest.param(
            "created_at",
            lambda wire: wire["created_at"].replace("Z", "+00:00"),
            "2020-01-01T00:00:00+00:00",
            id="created_at-as-offset",
        ),
        pytest.param("updated_at", lambda wire: wire["updated_at"], "2030-01-01T00:00:00.000000Z", id="updated_at"),
        pytest.param("source", lambda wire: wire["source"], "crm", id="source"),
    ],
)
def test_read_only_field_equal_is_no_op_different_is_refused(external, native, john, field, equal, different):
    wire = external.data(john["uid"])
    before = native.snapshot(john["id"])

    response = external.put(john["uid"], {field: equal(wire)})

    assert response.status_code == 200, response.text
    assert response.json()["data"] == wire
    native.assert_unchanged(before)

    error = assert_error(external.put(john["uid"], {field: different}), 400, "VALIDATION_ERROR", (field,))
    assert set(error["details"]) == {field}
    native.assert_unchanged(before)


def test_source_of_a_contact_without_one_is_null(external, native):
    contact = native.create()
    before = native.snapshot(contact["id"])

    assert external.put(contact["uid"], {"source": None}).status_code == 200
    native.assert_unchanged(before)
    assert_error(external.put(contact["uid"], {"source": "linkedin"}), 400, "VALIDATION_ERROR", ("source",))
    native.assert_unchanged(before)


def test_put_of_the_get_body_is_a_no_op(external, native, john):
    wire = external.data(john["uid"])
    before = native.snapshot(john["id"])

    response = external.put(john["uid"], wire)

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "data": wire}
    native.assert_unchanged(before)


def test_unknown_contact_is_not_found(external):
    for uid in ("cnt_000000000000", "12", "nobody"):
        assert_error(external.get(uid), 404, "NOT_FOUND")
        assert_error(external.put(uid, {"position": "VP"}), 404, "NOT_FOUND")


def test_another_organizations_contact_is_not_found_and_unchanged(external, other_native, other_key):
    theirs = other_native.create(**JOHN)
    before = other_native.snapshot(theirs["id"])

    assert_error(external.get(theirs["uid"]), 404, "NOT_FOUND")
    assert_error(external.put(theirs["uid"], {"position": "VP", "tags": ["x"]}), 404, "NOT_FOUND")
    # A body that is invalid too: still 404, the other tenant's contact is not revealed.
    assert_error(external.put(theirs["uid"], {"email": "bad", "nickname": 1}), 404, "NOT_FOUND")

    other_native.assert_unchanged(before)


def test_another_organizations_key_does_not_reach_our_contact(external, native, john, other_key):
    before = native.snapshot(john["id"])

    assert_error(external.get(john["uid"], secret=other_key.secret), 404, "NOT_FOUND")
    assert_error(external.put(john["uid"], {"position": "VP"}, secret=other_key.secret), 404, "NOT_FOUND")

    native.assert_unchanged(before)


@pytest.mark.parametrize("secret", [pytest.param("", id="no-key"), pytest.param("ck_wrong", id="wrong-key")])
def test_missing_or_wrong_key_is_unauthorized(external, native, john, secret):
    before = native.snapshot(john["id"])

    for response in (
        external.put(john["uid"], {"position": "VP"}, secret=secret),
        external.get(john["uid"], secret=secret),
    ):
        assert_error(response, 401, "UNAUTHORIZED")
        assert response.headers.get("WWW-Authenticate")

    native.assert_unchanged(before)


def test_a_key_without_the_scope_is_forbidden(external, native, john, read_key, write_key):
    before = native.snapshot(john["id"])

    assert_error(external.put(john["uid"], {"position": "VP"}, secret=read_key.secret), 403, "FORBIDDEN")
    assert_error(external.get(john["uid"], secret=write_key.secret), 403, "FORBIDDEN")
    native.assert_unchanged(before)

    assert external.get(john["uid"], secret=read_key.secret).status_code == 200
    response = external.put(john["uid"], {"position": "VP"}, secret=write_key.secret)
    assert response.status_code == 200, response.text
    native.assert_changed(before, {"companyPosition": "VP"}, channel="external")
