"""Legacy XML-RPC at ``/api/2.0/xmlrpc`` (seed 004) driven by the standard library's
``xmlrpc.client.ServerProxy`` with ``username:key@`` in the URL: updates read back through
the native GET, refusals are faults with the HTTP status as ``faultCode`` and nothing changes,
and a body that is not XML-RPC never gets a 500."""

import xmlrpc.client

import pytest
import requests

from contacts.models import Scope
from tests import factories
from tests.dialects.external.helpers import TIMEOUT, address
from tests.dialects.legacy.helpers import SEED_PROPERTIES, xmlrpc_url

pytestmark = pytest.mark.django_db(transaction=True)


def fault_of(call, *args) -> xmlrpc.client.Fault:
    """The fault a call raises (a ProtocolError, e.g. an HTTP 500, fails the test)."""
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(*args)
    fault = caught.value
    assert isinstance(fault.faultString, str) and fault.faultString.strip()
    return fault


def test_three_line_client_session(server, key, native):
    contact = native.create(firstName="Old", lastName="Name")
    before = native.snapshot(contact["id"])
    url = xmlrpc_url(server, key)

    proxy = xmlrpc.client.ServerProxy(url)
    answer = proxy.contacts.UpdateContact(contact["id"], {"name": "My new first name", "last name": "My new lastname"})
    struct = proxy.contacts.GetContact(contact["id"])

    assert answer == contact["id"] and type(answer) is int
    native.assert_changed(before, {"firstName": "My new first name", "lastName": "My new lastname"}, channel="xmlrpc")
    assert set(struct) == set(SEED_PROPERTIES)
    assert (struct["id"], struct["name"], struct["last name"]) == (
        contact["id"],
        "My new first name",
        "My new lastname",
    )


def test_get_contact_answers_what_rest_get_answers(proxy, legacy, native, rich):
    before = native.snapshot(rich["id"])

    struct = proxy.contacts.GetContact(rich["id"])

    assert struct == legacy.properties(rich["id"])
    native.assert_unchanged(before)


@pytest.mark.parametrize("birth_date", ["1815-12-10", "2040-02-29"])
def test_get_contact_with_a_birth_date_outside_32_bit_unix_time(proxy, legacy, native, birth_date):
    contact = native.create(birthDate=birth_date)

    struct = proxy.contacts.GetContact(contact["id"])

    assert struct["birth_date"] == birth_date
    assert struct == legacy.properties(contact["id"])


def test_list_methods_names_both_contacts_methods(proxy):
    methods = proxy.system.listMethods()

    assert {"contacts.UpdateContact", "contacts.GetContact"} <= set(methods)
    assert "properties" in proxy.system.methodHelp("contacts.UpdateContact")


def test_update_contact_maps_typed_values(proxy, native):
    contact = native.create(firstName="Old", lastName="Name", tags=["old"])
    before = native.snapshot(contact["id"])

    answer = proxy.contacts.UpdateContact(
        contact["id"],
        {
            "lastname": "Hopper",
            "status": "off",
            "telephone_office": "+1 555 0100",
            "date_of_birth": -1990137600,  # 1906-12-09, before 1970
            "tags": '["admiral", "navy"]',
            "country_id": 33,
            "city": "Arlington",
            "hash": "h-1",
            "unique_id": "imp-9",
            "create_notifications": "yes",
        },
    )

    assert answer == contact["id"]
    native.assert_changed(
        before,
        {
            "lastName": "Hopper",
            "status": "off",
            "phone": "+1 555 0100",
            "birthDate": "1906-12-09",
            "tags": ["admiral", "navy"],
            "countryId": 33,
            "addresses": [address(city="Arlington")],
            "hashKey": "h-1",
            "externalId": "imp-9",
        },
        channel="xmlrpc",
    )


def test_echoing_read_only_values_is_a_no_op(proxy, native, rich):
    struct = proxy.contacts.GetContact(rich["id"])
    before = native.snapshot(rich["id"])

    answer = proxy.contacts.UpdateContact(
        rich["id"], {"id": struct["id"], "score": struct["score"], "email_status": struct["email_status"]}
    )

    assert answer == rich["id"]
    native.assert_unchanged(before)


@pytest.mark.parametrize(
    ("properties", "named"),
    [
        pytest.param({"status": "maybe"}, "status", id="invalid-value"),
        pytest.param({"gender": "x", "name": "Ok"}, "gender", id="invalid-value-with-a-valid-one"),
        pytest.param({"tags": "not json"}, "tags", id="tags-not-json"),
        pytest.param({"create_notifications": "maybe"}, "create_notifications", id="create_notifications"),
        pytest.param({"score": 99.5}, "score", id="read-only-different"),
        pytest.param({"id": 1}, "id", id="read-only-id-different"),
        pytest.param({"email_bounce_hard_count": 0}, "email_bounce_hard_count", id="read-only-counter-different"),
        pytest.param({"nickname": "Ada"}, "nickname", id="unknown-property"),
        pytest.param(["name", "Ada"], "struct", id="properties-not-a-struct"),
    ],
)
def test_refusal_is_a_400_fault_naming_the_property(proxy, native, rich, properties, named):
    before = native.snapshot(rich["id"])

    fault = fault_of(proxy.contacts.UpdateContact, rich["id"], properties)

    assert fault.faultCode == 400
    assert named in fault.faultString
    native.assert_unchanged(before)


def test_unknown_contact_is_a_404_fault(proxy):
    for contact_id in (999999, 0, -5, "12345678"):
        for fault in (
            fault_of(proxy.contacts.UpdateContact, contact_id, {"name": "Nobody"}),
            fault_of(proxy.contacts.GetContact, contact_id),
        ):
            assert fault.faultCode == 404
            assert "not found" in fault.faultString.lower()


def test_another_organizations_contact_is_a_404_fault_and_unchanged(proxy, other_native):
    theirs = other_native.create(firstName="Their", lastName="Contact")
    before = other_native.snapshot(theirs["id"])

    for fault in (
        fault_of(proxy.contacts.UpdateContact, theirs["id"], {"name": "Hijacked"}),
        fault_of(proxy.contacts.UpdateContact, theirs["id"], {"status": "maybe", "nickname": 1}),
        fault_of(proxy.contacts.GetContact, theirs["id"]),
    ):
        assert fault.faultCode == 404

    other_native.assert_unchanged(before)


def test_another_organizations_key_does_not_reach_our_contact(server, native, rich, other_key):
    theirs = xmlrpc.client.ServerProxy(xmlrpc_url(server, other_key))
    before = native.snapshot(rich["id"])

    assert fault_of(theirs.contacts.UpdateContact, rich["id"], {"name": "Hijacked"}).faultCode == 404
    assert fault_of(theirs.contacts.GetContact, rich["id"]).faultCode == 404

    native.assert_unchanged(before)


def test_bad_or_missing_credentials_are_a_401_fault(server, key, native, rich):
    before = native.snapshot(rich["id"])
    urls = [
        xmlrpc_url(server, key, secret="ck_wrong"),
        xmlrpc_url(server, key, username="someone-else"),
        xmlrpc_url(server),
    ]

    for url in urls:
        proxy = xmlrpc.client.ServerProxy(url)
        for fault in (
            fault_of(proxy.contacts.UpdateContact, rich["id"], {"name": "Changed"}),
            fault_of(proxy.contacts.GetContact, rich["id"]),
        ):
            assert fault.faultCode == 401
            assert "key" in fault.faultString.lower()

    native.assert_unchanged(before)


def test_a_key_without_the_scope_is_a_403_fault(server, org, native, rich):
    reader = xmlrpc.client.ServerProxy(xmlrpc_url(server, factories.make_key(org, scopes=[Scope.CONTACTS_READ])))
    writer = xmlrpc.client.ServerProxy(xmlrpc_url(server, factories.make_key(org, scopes=[Scope.CONTACTS_WRITE])))
    before = native.snapshot(rich["id"])

    for fault in (
        fault_of(reader.contacts.UpdateContact, rich["id"], {"name": "Changed"}),
        fault_of(writer.contacts.GetContact, rich["id"]),
    ):
        assert fault.faultCode == 403
        assert "scope" in fault.faultString
    assert reader.contacts.GetContact(rich["id"])["id"] == rich["id"]

    native.assert_unchanged(before)


def test_wrong_calls_are_faults(proxy, native, rich):
    before = native.snapshot(rich["id"])

    fault_of(proxy.contacts.UpdateContact, rich["id"])
    fault_of(proxy.contacts.UpdateContact, rich["id"], {"name": "A"}, "extra")
    fault_of(proxy.contacts.DeleteContact, rich["id"])

    native.assert_unchanged(before)


CALL_WITH_ID = (
    '<?xml version="1.0"?><methodCall><methodName>contacts.GetContact</methodName>'
    "<params><param><value>{value}</value></param></params></methodCall>"
)
CALL_WITHOUT_PROPERTIES = (
    '<?xml version="1.0"?><methodCall><methodName>contacts.UpdateContact</methodName>'
    "<params><param><value><int>{id}</int></value></param></params></methodCall>"
)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<not xml", id="malformed-xml"),
        pytest.param('{"name": "Ada"}', id="json"),
        pytest.param('<?xml version="1.0"?><html><body/></html>', id="xml-not-xml-rpc"),
        pytest.param('<?xml version="1.0"?><methodCall></methodCall>', id="no-method-name"),
        pytest.param(CALL_WITHOUT_PROPERTIES, id="missing-argument"),
        pytest.param(CALL_WITH_ID.replace("{value}", "<boolean>2</boolean>"), id="bad-boolean"),
        pytest.param(CALL_WITH_ID.replace("{value}", "<bogus>1</bogus>"), id="unknown-type"),
        *[
            pytest.param(
                CALL_WITH_ID.replace("{value}", value),
                id=name,
            )
            for name, value, error in (
                ("bad-int", "<int>abc</int>", "ValueError"),
                ("bad-double", "<double>x</double>", "ValueError"),
                ("bad-datetime", "<dateTime.iso8601>x</dateTime.iso8601>", "ValueError"),
                (
                    "struct-member-without-value",
                    "<struct><member><name>name</name></member></struct>",
                    "IndexError",
                ),
            )
        ],
        pytest.param("", id="empty"),
    ],
)
def test_body_that_is_not_a_valid_call_is_a_fault_or_400_never_500(server, key, native, rich, body):
    before = native.snapshot(rich["id"])

    # With credentials and without: the body is read before anyone is authenticated.
    for auth in ((key.api_key.username, key.secret), None):
        response = requests.post(
            f"{server}/api/2.0/xmlrpc",
            data=body.replace("{id}", str(rich["id"])).encode(),
            headers={"Content-Type": "text/xml"},
            auth=auth,
            timeout=TIMEOUT,
        )

        assert response.status_code in (200, 400), (response.status_code, response.text)
        if response.status_code == 200:
            with pytest.raises(xmlrpc.client.Fault):
                xmlrpc.client.loads(response.content)
    native.assert_unchanged(before)


def test_an_id_that_is_not_an_integer_is_a_400_fault(proxy, rich, native):
    before = native.snapshot(rich["id"])

    for contact_id in ("abc", 1.5, [1], {"id": 1}, True):
        for fault in (
            fault_of(proxy.contacts.UpdateContact, contact_id, {"name": "Nobody"}),
            fault_of(proxy.contacts.GetContact, contact_id),
        ):
            assert fault.faultCode == 400, contact_id
            assert "integer" in fault.faultString
    native.assert_unchanged(before)


def test_properties_may_be_an_array_of_structs_or_of_pairs(proxy, rich, native):
    assert (
        proxy.contacts.UpdateContact(rich["id"], [{"name": "Ada"}, {"title": "Countess", "name": "Augusta"}])
        == rich["id"]
    )
    assert (
        proxy.contacts.UpdateContact(rich["id"], [["company_name", "Engines"], ["department", "Analysis"]])
        == rich["id"]
    )

    stored = native.get(rich["id"])
    assert (stored["firstName"], stored["title"]) == ("Augusta", "Countess")
    assert (stored["companyName"], stored["department"]) == ("Engines", "Analysis")


def test_properties_of_another_type_are_a_400_fault(proxy, rich, native):
    before = native.snapshot(rich["id"])

    for properties in ("name=Ada", 7, [["name"]], [["name", "Ada", "extra"]], [7]):
        assert fault_of(proxy.contacts.UpdateContact, rich["id"], properties).faultCode == 400
    native.assert_unchanged(before)
