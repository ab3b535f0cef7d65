"""The admin: every page renders, staff reach only their organizations, engagement figures and
history are read-only, API keys are issued through the key service, and pages cost a fixed
number of queries however many rows they show."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attributes.models import AttributeDefinition, ContactAttributeValue
from contacts.auth.keys import hash_key
from contacts.models import (
    Address,
    ApiKey,
    Contact,
    ContactChange,
    ContactTag,
    Group,
    IdempotencyRecord,
    Membership,
    Organization,
    RecordType,
    Scope,
    Source,
    Tag,
    Topic,
    WebhookDelivery,
    WebhookSubscription,
    WsseNonce,
)
from contacts.models.contact import ENGAGEMENT_FIELDS
from paths.models import ContactPath, PathDefinition, QuietTimeFrame, mask_from_days
from tests import factories
from tests.admin.conftest import APPS

ADMIN_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS), key=lambda m: m.__name__
)


def admin_url(obj_or_model: Model | type[Model], view: str) -> str:
    opts = obj_or_model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
    if view == "change":
        return reverse(name, args=[obj_or_model.pk])
    return reverse(name)


def build_world(org: Organization, label: str) -> dict[type[Model], Model]:
    """One row of every admin-registered model, all in ``org``."""
    source = factories.make_source(org, f"{label}-source")
    group = factories.make_group(org, f"{label}-group")
    contact = factories.make_contact(org, first_name=f"{label}-first", email=f"{label}@example.com")
    contact.groups.add(group)
    tag = factories.make_tag(org, f"{label}-tag")
    definition = factories.make_path(org, f"{label}-phone")
    path = ContactPath.objects.create(contact=contact, definition=definition, value="+15551234567")
    attribute = factories.make_attribute(org, f"{label}-attr")
    change = ContactChange.objects.create(
        contact=contact,
        contact_id_value=contact.pk,
        organization=org,
        at=timezone.now(),
        actor=f"user:{label}",
        channel="admin",
        mode="create",
        changes={"first_name": {"before": None, "after": f"{label}-first"}},
    )
    webhook = WebhookSubscription.objects.create(
        organization=org, url=f"https://{label}.example.com/hook", secret_encrypted="x"
    )
    return {
        WebhookSubscription: webhook,
        WebhookDelivery: WebhookDelivery.objects.create(
            organization=org,
            subscription=webhook,
            change=change,
            contact_id_value=contact.pk,
            created_at=timezone.now(),
            next_attempt_at=timezone.now(),
            give_up_at=timezone.now(),
        ),
        Organization: org,
        Membership: Membership.objects.create(
            user=User.objects.create_user(f"{label}-member", is_staff=True), organization=org
        ),
        RecordType: RecordType.objects.get(organization=org, is_default=True),
        Group: group,
        Topic: factories.make_topic(org, f"{label}-topic"),
        Tag: tag,
        ContactTag: ContactTag.objects.create(contact=contact, tag=tag),
        Source: source,
        Contact: contact,
        Address: Address.objects.create(contact=contact, city=f"{label}-city"),
        ApiKey: factories.make_key(org).api_key,
        ContactChange: change,
        WsseNonce: WsseNonce.objects.create(
            api_key=factories.make_key(org).api_key, nonce=f"{label}-nonce", created_at=timezone.now()
        ),
        IdempotencyRecord: IdempotencyRecord.objects.create(
            organization=org,
            owner="user:1",
            key=f"{label}-key",
            fingerprint="0" * 64,
            status=200,
            body=b"{}",
            created_at=timezone.now(),
            expires_at=timezone.now(),
        ),
        PathDefinition: definition,
        ContactPath: path,
        QuietTimeFrame: QuietTimeFrame.objects.create(path=path, days=mask_from_days([2, 6]), from_hour=22, to_hour=6),
        AttributeDefinition: attribute,
        ContactAttributeValue: ContactAttributeValue.objects.create(
            contact=contact, definition=attribute, values=["option1"]
        ),
    }


@pytest.fixture
def world(org: Organization) -> dict[type[Model], Model]:
    return build_world(org, "acme")


@pytest.fixture
def other_world(other_org: Organization) -> dict[type[Model], Model]:
    return build_world(other_org, "globex")


def test_every_model_is_registered():
    expected = {model for app in APPS for model in apps.get_app_config(app).get_models()}

    assert expected <= set(ADMIN_MODELS)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_superuser_sees_changelist_and_change_page(superuser_client, world, other_world, model):
    changelist = superuser_client.get(admin_url(model, "changelist"))
    change = superuser_client.get(admin_url(world[model], "change"))

    assert changelist.status_code == 200
    assert change.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_staff_never_sees_another_organization(staff_client, world, other_world, model):
    changelist = staff_client.get(admin_url(model, "changelist"))
    own = staff_client.get(admin_url(world[model], "change"))
    foreign = staff_client.get(admin_url(other_world[model], "change"))

    assert changelist.status_code == 200
    assert own.status_code == 200
    assert "globex" not in changelist.content.decode().lower()
    assert "globex" not in own.content.decode().lower()
    assert foreign.status_code in (302, 404)


def test_staff_contact_list_and_pages_are_scoped(staff_client, world, other_world):
    ours, theirs = world[Contact], other_world[Contact]

    changelist = staff_client.get(admin_url(Contact, "changelist")).content.decode()
    foreign = staff_client.get(admin_url(theirs, "change"))
    add_page = staff_client.get(admin_url(Contact, "add")).content.decode()

    assert ours.uid in changelist
    assert theirs.uid not in changelist
    assert foreign.status_code == 302
    assert foreign["Location"] == reverse("admin:index")
    assert "Globex" not in add_page


def test_staff_cannot_pick_another_organizations_rows(staff_client, world, other_world):
    response = staff_client.post(
        admin_url(Group, "add"), {"organization": other_world[Organization].pk, "name": "intruders"}
    )

    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Group.objects.filter(name="intruders").exists()


def test_autocomplete_offers_only_the_staff_members_organizations(staff_client, world, other_world):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "contacts", "model_name": "contact", "field_name": "groups", "term": ""},
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["acme-group"]


def test_engagement_figures_are_read_only(superuser_client, world):
    contact = world[Contact]
    Contact.objects.filter(pk=contact.pk).update(score=7.5, complaints_count=3)

    response = superuser_client.get(admin_url(contact, "change"))
    body = response.content.decode()
    form = response.context["adminform"].form

    assert "Engagement (read-only)" in body
    for name in ENGAGEMENT_FIELDS:
        assert name not in form.fields
        assert f'name="{name}"' not in body
        assert f"field-{name}" in body
    for name in ("uid", "version", "created_at", "updated_at"):
        assert name not in form.fields


def test_history_is_rendered_escaped_and_read_only(superuser_client, world):
    contact = world[Contact]
    ContactChange.objects.create(
        contact=contact,
        contact_id_value=contact.pk,
        organization=contact.organization,
        at=timezone.now(),
        actor="<script>alert(1)</script>",
        channel="native",
        mode="partial",
        changes={"email": {"before": "a@example.com", "after": "<b>b@example.com</b>"}},
    )

    body = superuser_client.get(admin_url(contact, "change")).content.decode()
    change_page = superuser_client.get(admin_url(world[ContactChange], "change"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "Email: a@example.com → &lt;b&gt;b@example.com&lt;/b&gt;" in body
    assert change_page.context["has_change_permission"] is False
    assert superuser_client.get(admin_url(ContactChange, "add")).status_code == 403


def test_adding_an_api_key_shows_its_secret_once(superuser_client, org):
    response = superuser_client.post(
        admin_url(ApiKey, "add"),
        {"organization": org.pk, "username": "mailer", "name": "Mailer", "scopes": [Scope.CONTACTS_READ]},
        follow=True,
    )

    api_key = ApiKey.objects.get(username="mailer")
    shown = [str(message) for message in response.context["messages"] if "not be shown again" in str(message)]
    assert response.status_code == 200
    assert len(shown) == 1
    secret = shown[0].rsplit(" ", 1)[-1]
    assert secret in response.content.decode()
    assert api_key.key_hash == hash_key(secret)
    assert secret not in (api_key.key_hash, api_key.key_encrypted)
    assert api_key.scopes == [Scope.CONTACTS_READ]
    for page in (admin_url(api_key, "change"), admin_url(ApiKey, "changelist")):
        body = superuser_client.get(page).content.decode()
        assert secret not in body
        assert api_key.key_hash not in body
        assert api_key.key_encrypted not in body


def test_changing_an_api_key_edits_only_name_scopes_and_active(superuser_client, org, other_org):
    api_key = factories.make_key(org, username="before").api_key
    response = superuser_client.post(
        admin_url(api_key, "change"),
        {
            "name": "renamed",
            "scopes": [Scope.SETTINGS_READ],
            "username": "after",
            "organization": other_org.pk,
            "key_prefix": "ck_forged",
        },
    )

    api_key.refresh_from_db()
    assert response.status_code == 302
    assert (api_key.name, api_key.scopes, api_key.is_active) == ("renamed", [Scope.SETTINGS_READ], False)
    assert (api_key.username, api_key.organization_id) == ("before", org.pk)
    assert not api_key.key_prefix.startswith("ck_forged")


def test_quiet_time_days_are_shown_as_day_numbers_on_the_view_only_path_page(superuser_client, world):
    path = world[ContactPath]
    page = superuser_client.get(admin_url(path, "change")).content.decode()
    response = superuser_client.post(admin_url(path, "change"), {"value": "changed"})

    assert "2, 6" in page
    assert response.status_code == 403
    path.refresh_from_db()
    assert path.value != "changed"


def test_attribute_field_id_is_assigned_on_add_and_fixed_on_change(superuser_client, world):
    org = world[Organization]
    response = superuser_client.post(
        admin_url(AttributeDefinition, "add"),
        {
            "organization": org.pk,
            "name": "shoe size",
            "data_type": "NUMBER",
            "display_format": "F",
            "defined_values": "[]",
        },
    )
    created = AttributeDefinition.objects.get(organization=org, name="shoe size")

    change = superuser_client.get(admin_url(created, "change"))

    assert response.status_code == 302
    assert created.field_id == world[AttributeDefinition].field_id + 1
    assert "field_id" not in change.context["adminform"].form.fields


def test_making_a_record_type_default_moves_the_mark(superuser_client, org):
    old_default = RecordType.objects.get(organization=org, is_default=True)

    response = superuser_client.post(
        admin_url(RecordType, "add"), {"organization": org.pk, "name": "Partner", "make_default": "on"}
    )

    old_default.refresh_from_db()
    assert response.status_code == 302
    assert RecordType.objects.get(organization=org, name="Partner").is_default
    assert not old_default.is_default


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("client_fixture", ["superuser_client", "staff_client"])
def test_contact_changelist_costs_the_same_for_30_contacts_as_for_3(
    request, client_fixture, org, django_assert_max_num_queries
):
    client = request.getfixturevalue(client_fixture)
    groups = [factories.make_group(org, f"group {index}") for index in range(3)]
    for index in range(3):
        factories.make_contact(org, first_name=f"c{index}").groups.set(groups)
    url = admin_url(Contact, "changelist")
    baseline = count_queries(client, url)
    for index in range(3, 30):
        factories.make_contact(org, first_name=f"c{index}").groups.set(groups)

    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_contact_change_page_costs_the_same_for_many_nested_rows(
    superuser_client, world, django_assert_max_num_queries
):
    contact, org = world[Contact], world[Organization]
    url = admin_url(contact, "change")
    baseline = count_queries(superuser_client, url)
    for index in range(10):
        definition = factories.make_path(org, f"extra {index}")
        path = ContactPath.objects.create(contact=contact, definition=definition, value=f"+1555000{index:04d}")
        QuietTimeFrame.objects.create(path=path, days=1, from_hour=1, to_hour=2)
        attribute = factories.make_attribute(org, f"extra {index}")
        ContactAttributeValue.objects.create(contact=contact, definition=attribute, values=["option2"])
        Address.objects.create(contact=contact, position=index + 1, city=f"city {index}")
        contact.groups.add(factories.make_group(org, f"extra {index}"))

    with django_assert_max_num_queries(baseline):
        assert superuser_client.get(url).status_code == 200
