"""Reference data over ``/rest/<kind>/{organizationId}[/{id}]`` (DESIGN §5.1 "Reference
data"): round-trips read back with GET, wire shapes, scopes and the rules of each kind."""

import pytest
from rest_framework.test import APIClient

from attributes.models import AttributeDefinition, ContactAttributeValue
from contacts.models import Contact, RecordType, Scope
from paths.models import ContactPath
from tests import factories

# kind → (create payload, update payload, the wire keys of one object)
KINDS = {
    "recordTypes": ({"name": "Partner"}, {"name": "Supplier"}, {"id", "name", "isDefault"}),
    "groups": ({"name": "group1"}, {"name": "group2"}, {"id", "name"}),
    "topics": ({"name": "Newsletter"}, {"name": "Offers"}, {"id", "name"}),
    "sources": ({"name": "CRM"}, {"name": "Shop"}, {"id", "name"}),
    "contactAttributes": (
        {"name": "attr1", "dataType": "STRING", "displayFormat": "S", "definedValues": ["option1", "option2"]},
        {"name": "attr2", "dataType": "STRING", "displayFormat": "S", "definedValues": ["option1", "option3"]},
        {"id", "name", "dataType", "displayFormat", "definedValues", "fieldId"},
    ),
    "contactPaths": (
        {"prompt": "phone", "kind": "phone"},
        {"prompt": "mobile", "kind": "sms"},
        {"pathId", "prompt", "kind"},
    ),
}
NAME_KEY = {"contactPaths": "prompt"}


def id_of(kind: str, body: dict) -> int:
    return body["pathId"] if kind == "contactPaths" else body["id"]


def client_for(org, scopes) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, scopes=scopes).secret}")
    return client


def assert_validation_error(response, pointer: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert pointer in body["errors"], body["errors"]
    assert all(isinstance(message, str) for message in body["errors"][pointer])


# --- round-trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_crud_round_trip(org, api_client, kind):
    create, update, keys = KINDS[kind]
    base = f"/rest/{kind}/{org.pk}"

    created = api_client.post(base, create, format="json")
    assert created.status_code == 201, created.content
    object_id = id_of(kind, created.json())
    assert set(created.json()) == keys
    fetched = api_client.get(f"{base}/{object_id}")
    assert fetched.json() == created.json()
    assert all(fetched.json()[key] == value for key, value in create.items())
    assert object_id in [id_of(kind, item) for item in api_client.get(base).json()["results"]]

    updated = api_client.put(f"{base}/{object_id}", update, format="json")
    assert updated.status_code == 200, updated.content
    fetched = api_client.get(f"{base}/{object_id}").json()
    assert all(fetched[key] == value for key, value in update.items())
    assert id_of(kind, fetched) == object_id

    name_key = NAME_KEY.get(kind, "name")
    patched = api_client.patch(f"{base}/{object_id}", {name_key: "patched"}, format="json")
    assert patched.status_code == 200, patched.content
    assert api_client.get(f"{base}/{object_id}").json()[name_key] == "patched"

    deleted = api_client.delete(f"{base}/{object_id}")
    assert deleted.status_code == 204
    gone = api_client.get(f"{base}/{object_id}")
    assert gone.status_code == 404
    assert gone.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize("kind", KINDS)
def test_list_shows_only_own_org(org, other_org, api_client, kind):
    create, _, _ = KINDS[kind]
    api_client.post(f"/rest/{kind}/{org.pk}", create, format="json")
    client_for(other_org, list(Scope.values)).post(f"/rest/{kind}/{other_org.pk}", create, format="json")

    body = api_client.get(f"/rest/{kind}/{org.pk}").json()

    name_key = NAME_KEY.get(kind, "name")
    names = [item[name_key] for item in body["results"]]
    # The ``org`` fixture has its own "Employee" record type.
    assert names == (["Employee", create[name_key]] if kind == "recordTypes" else [create[name_key]])
    assert body["count"] == len(names)


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_id_is_404(org, other_org, api_client, kind):
    foreign = client_for(other_org, list(Scope.values)).post(
        f"/rest/{kind}/{other_org.pk}", KINDS[kind][0], format="json"
    )
    foreign_id = str(id_of(kind, foreign.json()))

    for object_id in ["abc", "99999999999999999999999", "424242", "-1", foreign_id]:
        response = api_client.get(f"/rest/{kind}/{org.pk}/{object_id}")

        assert response.status_code == 404, object_id
        assert response.json()["code"] == "NOT_FOUND"


def test_missing_organization_id(anon_client):
    for kind in KINDS:
        response = anon_client.get(f"/rest/{kind}")

        assert response.status_code == 401
        assert response.json()["code"] == "MISSING_ORGANIZATION_ID"


# --- wire shapes --------------------------------------------------------------------------------


def test_record_type_shape(org, api_client):
    record_type = RecordType.objects.get(organization=org)

    assert api_client.get(f"/rest/recordTypes/{org.pk}/{record_type.pk}").json() == {
        "id": record_type.pk,
        "name": "Employee",
        "isDefault": True,
    }


def test_contact_attribute_shape(org, api_client):
    attribute = factories.make_attribute(org, "attr1")

    assert api_client.get(f"/rest/contactAttributes/{org.pk}/{attribute.pk}").json() == {
        "id": attribute.pk,
        "name": "attr1",
        "dataType": "STRING",
        "displayFormat": "S",
        "definedValues": ["option1", "option2", "option3"],
        "fieldId": 100,
    }


def test_contact_path_shape(org, api_client):
    path = factories.make_path(org, "phone")

    assert api_client.get(f"/rest/contactPaths/{org.pk}/{path.pk}").json() == {
        "pathId": path.pk,
        "prompt": "phone",
        "kind": "phone",
    }


def test_group_shape(org, api_client):
    group = factories.make_group(org, "group1")

    assert api_client.get(f"/rest/groups/{org.pk}/{group.pk}").json() == {"id": group.pk, "name": "group1"}


# --- scopes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_writes_need_settings_write(org, kind):
    create, update, _ = KINDS[kind]
    writer = client_for(org, [Scope.CONTACTS_READ, Scope.CONTACTS_WRITE, Scope.SETTINGS_READ])
    admin = client_for(org, [Scope.SETTINGS_WRITE, Scope.SETTINGS_READ])
    existing = admin.post(f"/rest/{kind}/{org.pk}", create, format="json").json()
    before = admin.get(f"/rest/{kind}/{org.pk}").json()
    item_url = f"/rest/{kind}/{org.pk}/{id_of(kind, existing)}"

    responses = [
        writer.post(f"/rest/{kind}/{org.pk}", update, format="json"),
        writer.put(item_url, update, format="json"),
        writer.patch(item_url, update, format="json"),
        writer.delete(item_url),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert {response.json()["code"] for response in responses} == {"FORBIDDEN"}
    assert admin.get(f"/rest/{kind}/{org.pk}").json() == before


@pytest.mark.parametrize("kind", KINDS)
def test_reads_need_contacts_read_or_settings_read(org, api_client, kind):
    create, _, _ = KINDS[kind]
    created = api_client.post(f"/rest/{kind}/{org.pk}", create, format="json").json()

    for scope in (Scope.CONTACTS_READ, Scope.SETTINGS_READ):
        reader = client_for(org, [scope])
        listing = reader.get(f"/rest/{kind}/{org.pk}")
        detail = reader.get(f"/rest/{kind}/{org.pk}/{id_of(kind, created)}")

        assert listing.status_code == 200, scope
        assert id_of(kind, created) in [id_of(kind, item) for item in listing.json()["results"]]
        assert detail.json() == created


def test_reads_refused_without_a_read_scope(org):
    writer_only = client_for(org, [Scope.CONTACTS_WRITE])

    response = writer_only.get(f"/rest/groups/{org.pk}")

    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_name_is_400(org, api_client, kind):
    create, update, _ = KINDS[kind]
    name_key = NAME_KEY.get(kind, "name")
    base = f"/rest/{kind}/{org.pk}"
    first = api_client.post(base, create, format="json").json()
    second = api_client.post(base, update, format="json").json()
    count = api_client.get(base).json()["count"]

    duplicate = api_client.post(base, {**update, name_key: create[name_key]}, format="json")
    rename = api_client.patch(f"{base}/{id_of(kind, second)}", {name_key: create[name_key]}, format="json")

    assert_validation_error(duplicate, f"/{name_key}")
    assert_validation_error(rename, f"/{name_key}")
    assert api_client.get(base).json()["count"] == count
    assert api_client.get(f"{base}/{id_of(kind, second)}").json()[name_key] == update[name_key]
    assert api_client.get(f"{base}/{id_of(kind, first)}").json()[name_key] == create[name_key]


@pytest.mark.parametrize("kind", KINDS)
def test_same_name_in_another_org_is_fine(org, other_org, api_client, kind):
    create, _, _ = KINDS[kind]
    client_for(other_org, list(Scope.values)).post(f"/rest/{kind}/{other_org.pk}", create, format="json")

    response = api_client.post(f"/rest/{kind}/{org.pk}", create, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("kind", KINDS)
def test_name_longer_than_100_is_400(org, api_client, kind):
    create, _, _ = KINDS[kind]
    name_key = NAME_KEY.get(kind, "name")
    base = f"/rest/{kind}/{org.pk}"
    count = api_client.get(base).json()["count"]

    response = api_client.post(base, {**create, name_key: "x" * 101}, format="json")
    exactly_100 = api_client.post(base, {**create, name_key: "y" * 100}, format="json")

    assert_validation_error(response, f"/{name_key}")
    assert exactly_100.status_code == 201
    assert api_client.get(base).json()["count"] == count + 1


@pytest.mark.parametrize("kind", KINDS)
def test_missing_name_is_400(org, api_client, kind):
    name_key = NAME_KEY.get(kind, "name")

    response = api_client.post(f"/rest/{kind}/{org.pk}", {}, format="json")

    assert_validation_error(response, f"/{name_key}")


# --- record types ----------------------------------------------------------------------------------


def test_first_record_type_of_an_org_becomes_default(db):
    fresh = factories.make_org("Fresh")
    client = client_for(fresh, list(Scope.values))

    first = client.post(f"/rest/recordTypes/{fresh.pk}", {"name": "Employee"}, format="json").json()
    second = client.post(f"/rest/recordTypes/{fresh.pk}", {"name": "Partner"}, format="json").json()

    assert client.get(f"/rest/recordTypes/{fresh.pk}/{first['id']}").json()["isDefault"] is True
    assert client.get(f"/rest/recordTypes/{fresh.pk}/{second['id']}").json()["isDefault"] is False


def test_creating_a_default_record_type_moves_the_default(org, api_client):
    old = RecordType.objects.get(organization=org, is_default=True)

    created = api_client.post(f"/rest/recordTypes/{org.pk}", {"name": "Partner", "isDefault": True}, format="json")

    assert created.status_code == 201
    assert api_client.get(f"/rest/recordTypes/{org.pk}/{created.json()['id']}").json()["isDefault"] is True
    assert api_client.get(f"/rest/recordTypes/{org.pk}/{old.pk}").json()["isDefault"] is False


def test_making_a_record_type_default_by_update_moves_the_default(org, api_client):
    old = RecordType.objects.get(organization=org, is_default=True)
    partner = factories.make_record_type(org, "Partner", is_default=False)

    response = api_client.patch(f"/rest/recordTypes/{org.pk}/{partner.pk}", {"isDefault": True}, format="json")

    assert response.status_code == 200
    listing = api_client.get(f"/rest/recordTypes/{org.pk}").json()["results"]
    defaults = [item["id"] for item in listing if item["isDefault"]]
    assert defaults == [partner.pk]
    assert RecordType.objects.get(pk=old.pk).is_default is False


@pytest.mark.parametrize("method", ["patch", "put"])
def test_unsetting_the_default_is_400(org, api_client, method):
    default = RecordType.objects.get(organization=org, is_default=True)

    response = getattr(api_client, method)(
        f"/rest/recordTypes/{org.pk}/{default.pk}", {"name": "Employee", "isDefault": False}, format="json"
    )

    assert_validation_error(response, "/isDefault")
    assert api_client.get(f"/rest/recordTypes/{org.pk}/{default.pk}").json()["isDefault"] is True


def test_renaming_the_default_keeps_it_default(org, api_client):
    default = RecordType.objects.get(organization=org, is_default=True)

    response = api_client.put(f"/rest/recordTypes/{org.pk}/{default.pk}", {"name": "Staff"}, format="json")

    assert response.status_code == 200, response.content
    assert api_client.get(f"/rest/recordTypes/{org.pk}/{default.pk}").json() == {
        "id": default.pk,
        "name": "Staff",
        "isDefault": True,
    }


def test_deleting_a_record_type_in_use_is_409(org, api_client):
    partner = factories.make_record_type(org, "Partner", is_default=False)
    factories.make_contact(org, record_type=partner)

    response = api_client.delete(f"/rest/recordTypes/{org.pk}/{partner.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "CONFLICT"
    assert api_client.get(f"/rest/recordTypes/{org.pk}/{partner.pk}").json()["name"] == "Partner"
    assert Contact.objects.filter(record_type=partner).count() == 1


def test_deleting_a_path_definition_in_use_is_409(org, api_client):
    path = factories.make_path(org, "phone")
    ContactPath.objects.create(contact=factories.make_contact(org), definition=path, value="+4930123456")

    response = api_client.delete(f"/rest/contactPaths/{org.pk}/{path.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "CONFLICT"
    assert api_client.get(f"/rest/contactPaths/{org.pk}/{path.pk}").status_code == 200
    assert ContactPath.objects.filter(definition=path).count() == 1


def test_deleting_an_attribute_in_use_is_409(org, api_client):
    attribute = factories.make_attribute(org, "attr1")
    ContactAttributeValue.objects.create(contact=factories.make_contact(org), definition=attribute, values=["option1"])

    response = api_client.delete(f"/rest/contactAttributes/{org.pk}/{attribute.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "CONFLICT"
    assert api_client.get(f"/rest/contactAttributes/{org.pk}/{attribute.pk}").status_code == 200


def test_deleting_a_group_in_use_removes_memberships(org, api_client):
    group = factories.make_group(org, "group1")
    contact = factories.make_contact(org)
    contact.groups.add(group)

    response = api_client.delete(f"/rest/groups/{org.pk}/{group.pk}")

    assert response.status_code == 204
    assert contact.groups.count() == 0
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- contact attributes ---------------------------------------------------------------------------


def post_attribute(api_client, org, **payload):
    body = {"name": "attr", "dataType": "STRING", "displayFormat": "F", **payload}
    return api_client.post(f"/rest/contactAttributes/{org.pk}", body, format="json")


@pytest.mark.parametrize("display_format", ["L", "S"])
@pytest.mark.parametrize("defined_values", [None, []], ids=["absent", "empty"])
def test_choice_attribute_needs_defined_values(org, api_client, display_format, defined_values):
    payload = {"displayFormat": display_format}
    if defined_values is not None:
        payload["definedValues"] = defined_values

    response = post_attribute(api_client, org, **payload)

    assert_validation_error(response, "/definedValues")
    assert not AttributeDefinition.objects.filter(organization=org).exists()


def test_free_text_attribute_takes_no_defined_values(org, api_client):
    response = post_attribute(api_client, org, displayFormat="F", definedValues=["a"])

    assert_validation_error(response, "/definedValues")


@pytest.mark.parametrize(
    ("data_type", "values", "pointer"),
    [
        ("NUMBER", ["abc"], "/definedValues/0"),
        ("NUMBER", [1, "2", "x"], "/definedValues/2"),
        ("NUMBER", [True], "/definedValues/0"),
        ("DATE", ["2024-02-30"], "/definedValues/0"),
        ("DATE", ["2024-01-01", "yesterday"], "/definedValues/1"),
        ("STRING", [12], "/definedValues/0"),
        ("STRING", ["x" * 256], "/definedValues/0"),
    ],
)
def test_defined_values_must_fit_the_data_type(org, api_client, data_type, values, pointer):
    response = post_attribute(api_client, org, dataType=data_type, displayFormat="S", definedValues=values)

    assert_validation_error(response, pointer)
    assert not AttributeDefinition.objects.filter(organization=org).exists()


def test_defined_values_must_be_distinct(org, api_client):
    response = post_attribute(api_client, org, displayFormat="L", definedValues=["a", "a"])

    assert_validation_error(response, "/definedValues")


@pytest.mark.parametrize(
    ("data_type", "values"),
    [("NUMBER", [1, "2.5", 3.25]), ("DATE", ["2024-01-31"]), ("STRING", ["option1", "option2"])],
)
def test_valid_defined_values_round_trip(org, api_client, data_type, values):
    created = post_attribute(api_client, org, dataType=data_type, displayFormat="L", definedValues=values)

    assert created.status_code == 201, created.content
    fetched = api_client.get(f"/rest/contactAttributes/{org.pk}/{created.json()['id']}").json()
    assert fetched["definedValues"] == values
    assert fetched["dataType"] == data_type
    assert fetched["displayFormat"] == "L"


def test_field_ids_assigned_from_100(org, api_client):
    first = post_attribute(api_client, org, name="a").json()
    second = post_attribute(api_client, org, name="b").json()
    explicit = post_attribute(api_client, org, name="c", fieldId=150).json()
    after = post_attribute(api_client, org, name="d").json()

    assert [first["fieldId"], second["fieldId"], explicit["fieldId"], after["fieldId"]] == [100, 101, 150, 151]
    assert api_client.get(f"/rest/contactAttributes/{org.pk}/{explicit['id']}").json()["fieldId"] == 150


def test_field_ids_are_per_org(org, other_org, api_client):
    client_for(other_org, list(Scope.values)).post(
        f"/rest/contactAttributes/{other_org.pk}", {"name": "x", "fieldId": 100}, format="json"
    )

    assert post_attribute(api_client, org, name="a").json()["fieldId"] == 100


@pytest.mark.parametrize("field_id", [99, 0, -5, 2**31, "abc"])
def test_invalid_explicit_field_id_is_400(org, api_client, field_id):
    response = post_attribute(api_client, org, fieldId=field_id)

    assert_validation_error(response, "/fieldId")
    assert not AttributeDefinition.objects.filter(organization=org).exists()


def test_duplicate_field_id_is_400(org, api_client):
    post_attribute(api_client, org, name="a", fieldId=120)

    response = post_attribute(api_client, org, name="b", fieldId=120)

    assert_validation_error(response, "/fieldId")
    assert list(AttributeDefinition.objects.filter(organization=org).values_list("name", flat=True)) == ["a"]


def test_field_id_never_changes(org, api_client):
    created = post_attribute(api_client, org, name="a").json()
    url = f"/rest/contactAttributes/{org.pk}/{created['id']}"

    changed = api_client.patch(url, {"fieldId": 200}, format="json")
    kept = api_client.put(url, {"name": "renamed", "fieldId": 100}, format="json")
    omitted = api_client.put(url, {"name": "again"}, format="json")

    assert_validation_error(changed, "/fieldId")
    assert kept.status_code == 200
    assert omitted.status_code == 200
    assert api_client.get(url).json()["fieldId"] == 100
    assert api_client.get(url).json()["name"] == "again"


def test_unknown_data_type_and_display_format_are_400(org, api_client):
    response = post_attribute(api_client, org, dataType="BLOB", displayFormat="Z")

    assert_validation_error(response, "/dataType")
    assert_validation_error(response, "/displayFormat")


def test_unknown_path_kind_is_400(org, api_client):
    response = api_client.post(f"/rest/contactPaths/{org.pk}", {"prompt": "fax", "kind": "pigeon"}, format="json")

    assert_validation_error(response, "/kind")


@pytest.mark.parametrize("value", [0, "yes", "true"])
def test_is_default_must_be_a_json_boolean(org, api_client, value):
    response = api_client.post(f"/rest/recordTypes/{org.pk}", {"name": "Partner", "isDefault": value}, format="json")

    assert response.status_code == 400 and "/isDefault" in response.json()["errors"]
    assert not RecordType.objects.filter(organization=org, name="Partner").exists()
