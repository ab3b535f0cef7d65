"""The contact admin saves through the update engine: same rules, same history (channel admin)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet
from paths.models import PathKind
from tests import factories
from tests.admin.helpers import change_url, form_data, frame_rows
from tests.engine.builders import apply


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.fixture
def contact(org) -> Contact:
    factories.make_group(org, "group1")
    factories.make_group(org, "group2")
    factories.make_path(org, "phone", PathKind.PHONE)
    factories.make_attribute(org, "attr1")
    [result] = apply(
        org,
        [
            ChangeSet(
                values={
                    "external_id": "001",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "record_type_name": "Employee",
                    "timezone_id": "Europe/London",
                    "group_names": ["group1", "group2"],
                    "addresses": [{"city": "London"}],
                    "paths": [{"prompt": "phone", "value": "+44 20 7946 0958"}],
                    "attributes": [{"name": "attr1", "values": ["option1"]}],
                }
            )
        ],
    )
    return Contact.objects.get(pk=result.contact_id)


def test_saving_the_unchanged_form_is_a_no_op(admin_client, contact):
    response = admin_client.post(change_url(contact), form_data(contact))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.version == 1
    assert ContactChange.objects.filter(contact=contact).count() == 1


def test_an_edit_goes_through_the_engine_and_lands_in_history(admin_client, contact):
    group2 = contact.groups.get(name="group2")
    data = form_data(contact, first_name="Augusta", groups=[group2.pk])
    data |= frame_rows("paths-0-quiet_time_frames", [{"name": "night", "days": [1, 7], "from": "22:00", "to": "07:00"}])

    response = admin_client.post(change_url(contact), data)

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "Augusta" and contact.version == 2
    # The admin states the complete membership, so it may remove a group.
    assert list(contact.groups.values_list("name", flat=True)) == ["group2"]
    assert contact.paths.get().quiet_time_frames.get().day_numbers == [1, 7]
    change = ContactChange.objects.filter(contact=contact).first()
    assert change.channel == "admin" and change.actor == "user:root"
    assert set(change.changes) == {"first_name", "groups", "paths"}


def test_engine_problems_are_shown_on_the_form_and_nothing_changes(admin_client, contact):
    data = form_data(contact, email="not-an-email", timezone_id="")
    data["paths-0-value"] = "12"
    frame = {"name": "night", "days": [1], "from": "22:00", "to": "07:00"}
    data |= frame_rows("paths-0-quiet_time_frames", [frame, frame])

    response = admin_client.post(change_url(contact), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "not a valid email address" in page
    assert "Quiet time frame names must be unique within a path." in page
    assert "phone value" in page
    contact.refresh_from_db()
    assert contact.version == 1 and contact.email == ""
    assert ContactChange.objects.filter(contact=contact).count() == 1


def test_deleting_in_the_admin_keeps_history(admin_client, contact):
    response = admin_client.post(reverse("admin:contacts_contact_delete", args=[contact.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    modes = list(ContactChange.objects.filter(contact_id_value=contact.pk).values_list("mode", flat=True))
    assert modes == ["delete", "create"]


def test_adding_a_contact_in_the_admin_creates_it_through_the_engine(admin_client, org, contact):
    data = form_data(contact, external_id="002", first_name="Grace", last_name="Hopper", organization=org.pk)
    for prefix in ("addresses", "paths"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}

    response = admin_client.post(reverse("admin:contacts_contact_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    created = Contact.objects.get(organization=org, external_id="002")
    assert created.first_name == "Grace" and created.uid.startswith("cnt_")
    assert ContactChange.objects.get(contact=created).mode == "create"


def test_validating_the_form_writes_nothing_until_the_admin_saves(rf, contact):
    """The engine checks the form with a dry run; the write happens once, in save_model."""
    from django.contrib import admin as django_admin

    request = rf.post(change_url(contact))
    request.user = User.objects.create_superuser("checker", "checker@example.com", "pw")
    model_admin = django_admin.site.get_model_admin(Contact)
    data = form_data(contact, first_name="Augusta")
    form = model_admin.get_form(request, contact, change=True)(data, instance=contact)
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, contact):
        prefix = formset_class.get_default_prefix()
        formset_class(**(model_admin.get_formset_kwargs(request, contact, inline, prefix) | {"data": data}))

    assert form.is_valid(), form.errors
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.first_name == "Ada" and stored.version == 1
    assert ContactChange.objects.filter(contact=contact).count() == 1

    result = form.apply()

    assert result.status == "updated"
    stored.refresh_from_db()
    assert stored.first_name == "Augusta" and stored.version == 2
    assert ContactChange.objects.filter(contact=contact, channel="admin").count() == 1


def test_a_change_refused_at_save_time_is_reported_and_changes_nothing(admin_client, org, contact, monkeypatch):
    """Another writer takes the external id between the form's check and its save."""
    from contacts.admin.contact_form import ContactAdminForm

    check_then_race = ContactAdminForm.apply

    def apply_after_a_concurrent_writer(form):
        apply(
            org,
            [
                ChangeSet(
                    values={"external_id": "taken", "first_name": "B", "last_name": "C", "record_type_name": "Employee"}
                )
            ],
        )
        return check_then_race(form)

    monkeypatch.setattr(ContactAdminForm, "apply", apply_after_a_concurrent_writer)

    response = admin_client.post(change_url(contact), form_data(contact, external_id="taken"), follow=True)

    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    contact.refresh_from_db()
    assert contact.external_id == "001" and contact.version == 1
    # The view's transaction rolled back the concurrent writer's contact too (same test connection).
    assert not Contact.objects.filter(organization=org, external_id="taken").exists()
