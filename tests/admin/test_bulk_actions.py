"""Bulk actions of the contact list (DESIGN §12): an intermediate page asks for the group or
the status, then the whole selection goes through the engine in one batch per organization
(and per 1,000 contacts), each changed contact with one history row of channel ``admin``,
and a summary message says what happened."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.admin import actions
from contacts.models import Contact, ContactChange, Group
from contacts.services import ChangeSet
from paths.models import PathKind
from tests import factories
from tests.engine.builders import apply

LIST_URL = "/admin/contacts/contact/"


def make_contacts(org, count: int, start: int = 0, **values) -> list[Contact]:
    results = apply(
        org,
        [
            ChangeSet(
                values={
                    "external_id": f"{org.pk}-{n}",
                    "first_name": f"First{n}",
                    "last_name": "Last",
                    "record_type_name": "Employee",
                    **values,
                }
            )
            for n in range(start, start + count)
        ],
    )
    assert all(result.ok for result in results), [r.problems for r in results if not r.ok]
    return list(Contact.objects.filter(pk__in=[result.contact_id for result in results]).order_by("pk"))


def run_action(client, action: str, contacts: list[Contact], **choice):
    """The list's post, then the intermediate page's post with the choice."""
    selection = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [contact.pk for contact in contacts]}
    page = client.post(LIST_URL, selection)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/contacts/contact/bulk_action.html"
    return client.post(LIST_URL, selection | {"apply": "yes", **choice}, follow=True)


def summary(response) -> str:
    [message] = [str(message) for message in response.context["messages"]]
    return message


def admin_rows(contacts: list[Contact]) -> list[ContactChange]:
    return list(ContactChange.objects.filter(contact__in=contacts, channel="admin"))


def test_set_status_updates_the_selection_through_the_engine(staff_client, api_client, org):
    contacts = make_contacts(org, 3)
    make_contacts(org, 1, start=10)  # not selected
    Contact.objects.filter(pk=contacts[0].pk).update(status="off")  # already so

    response = run_action(staff_client, "set_status", contacts, status="off")

    assert summary(response) == "2 contacts updated, 1 unchanged."
    for contact in contacts:
        assert api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}").json()["status"] == "off"
    assert list(Contact.objects.exclude(pk__in=[c.pk for c in contacts]).values_list("status", flat=True)) == ["on"]
    rows = admin_rows(contacts)
    assert sorted(row.contact_id for row in rows) == [contacts[1].pk, contacts[2].pk]
    assert all(row.changes == {"status": {"before": "on", "after": "off"}} for row in rows)
    assert all(row.actor == "user:staff" for row in rows)


def test_add_to_group_adds_and_keeps_other_groups(staff_client, api_client, org):
    group, other = factories.make_group(org, "newsletter"), factories.make_group(org, "vip")
    contacts = make_contacts(org, 3, group_names=["vip"])
    contacts[0].groups.add(group)

    response = run_action(staff_client, "add_to_group", contacts, group=group.pk)

    assert summary(response) == "2 contacts updated, 1 unchanged."
    for contact in contacts:
        body = api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}").json()
        assert body["groups"] == sorted([group.pk, other.pk])
    assert len(admin_rows(contacts)) == 2


def test_remove_from_group_takes_the_selection_out(staff_client, api_client, org):
    group, other = factories.make_group(org, "newsletter"), factories.make_group(org, "vip")
    contacts = make_contacts(org, 3, group_names=["newsletter", "vip"])
    contacts[2].groups.remove(group)

    response = run_action(staff_client, "remove_from_group", contacts, group=group.pk)

    assert summary(response) == "2 contacts updated, 1 unchanged."
    for contact in contacts:
        assert api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}").json()["groups"] == [other.pk]
    rows = admin_rows(contacts)
    assert len(rows) == 2
    assert all(row.changes["groups"] == {"before": sorted([group.pk, other.pk]), "after": [other.pk]} for row in rows)
    contacts[0].refresh_from_db()
    assert contacts[0].version == 2


def test_the_intermediate_page_offers_only_the_organizations_groups(staff_client, org, other_org):
    ours = factories.make_group(org, "ours")
    theirs = factories.make_group(other_org, "theirs")
    contacts = make_contacts(org, 2)
    selection = {"action": "add_to_group", "index": 0, ACTION_CHECKBOX_NAME: [c.pk for c in contacts]}

    page = staff_client.post(LIST_URL, selection)
    refused = staff_client.post(LIST_URL, selection | {"apply": "yes", "group": theirs.pk})

    offered = list(page.context["form"].fields["group"].queryset)
    assert offered == [ours]
    assert "theirs" not in page.content.decode()
    assert refused.status_code == 200
    assert "group" in refused.context["form"].errors
    assert not ContactChange.objects.filter(channel="admin").exists()
    assert not Group.objects.get(pk=theirs.pk).contacts.exists()


def test_another_organizations_contacts_cannot_be_selected(staff_client, org, other_org):
    ours, theirs = make_contacts(org, 1), make_contacts(other_org, 1)

    response = run_action(staff_client, "set_status", ours + theirs, status="off")

    assert summary(response) == "1 contact updated, 0 unchanged."
    theirs[0].refresh_from_db()
    assert theirs[0].status == "on" and theirs[0].version == 1


def test_a_failing_contact_is_named_and_the_others_are_updated(staff_client, org):
    factories.make_path(org, "phone", PathKind.PHONE)
    quiet = {
        "prompt": "phone",
        "value": "+49 30 1234567",
        "quiet_time_frames": [{"days": [1], "from_hour": 1, "to_hour": 2}],
    }
    contacts = make_contacts(org, 3, timezone_id="Europe/Berlin", paths=[quiet])
    # Stored before the time zone rule; any change of it must now name a time zone.
    Contact.objects.filter(pk=contacts[1].pk).update(timezone_id="")

    response = run_action(staff_client, "set_status", contacts, status="suppressed")

    assert summary(response) == (
        f"2 contacts updated, 0 unchanged, 1 failed: First1 Last ({contacts[1].uid}): "
        "A time zone (IANA name) is required with quiet time frames."
    )
    assert Contact.objects.filter(pk=contacts[1].pk, status="on", version=1).exists()
    assert len(admin_rows(contacts)) == 2


def test_a_selection_across_organizations_runs_one_batch_per_organization(
    superuser_client, org, other_org, monkeypatch
):
    contacts = make_contacts(org, 2) + make_contacts(other_org, 3)
    calls = spy_on_engine(monkeypatch)

    response = run_action(superuser_client, "set_status", contacts, status="off")

    assert summary(response) == "5 contacts updated, 0 unchanged."
    assert sorted((organization.pk, size) for organization, size in calls) == sorted([(org.pk, 2), (other_org.pk, 3)])
    assert set(Contact.objects.values_list("status", flat=True)) == {"off"}


def test_group_actions_skip_contacts_of_other_organizations(superuser_client, org, other_org):
    group = factories.make_group(org, "newsletter")
    factories.make_group(other_org, "newsletter")
    contacts = make_contacts(org, 2) + make_contacts(other_org, 1)

    response = run_action(superuser_client, "add_to_group", contacts, group=group.pk)

    assert summary(response) == "2 contacts updated, 0 unchanged, 1 skipped (not in Acme, the group's organization)."
    assert not contacts[2].groups.exists()


def test_large_selections_go_in_batches_of_the_engine_limit(staff_client, org, monkeypatch):
    monkeypatch.setattr(actions, "BATCH_LIMIT", 2)
    contacts = make_contacts(org, 5)
    calls = spy_on_engine(monkeypatch)

    response = run_action(staff_client, "set_status", contacts, status="off")

    assert summary(response) == "5 contacts updated, 0 unchanged."
    assert [size for _, size in calls] == [2, 2, 1]


def test_select_all_across_pages_uses_the_lists_filters(staff_client, org):
    contacts = make_contacts(org, 3)
    Contact.objects.filter(pk=contacts[0].pk).update(status="suppressed")
    url = f"{LIST_URL}?status__exact=on"
    selection = {"action": "set_status", "index": 0, "select_across": "1", ACTION_CHECKBOX_NAME: [contacts[1].pk]}

    page = staff_client.post(url, selection)
    response = staff_client.post(url, selection | {"apply": "yes", "status": "off"}, follow=True)

    assert page.context["selection"].count == 2
    assert summary(response) == "2 contacts updated, 0 unchanged."
    assert list(Contact.objects.order_by("pk").values_list("status", flat=True)) == ["suppressed", "off", "off"]


@pytest.mark.parametrize(
    ("action", "choice"),
    [
        ("set_status", {"status": "off"}),
        ("add_to_group", {"group": "GROUP"}),
        ("remove_from_group", {"group": "GROUP"}),
    ],
)
def test_queries_do_not_grow_with_the_selection(staff_client, org, action, choice, django_assert_max_num_queries):
    group = factories.make_group(org, "newsletter")
    choice = {key: group.pk if value == "GROUP" else value for key, value in choice.items()}
    few = make_contacts(org, 3, group_names=["newsletter"] if action == "remove_from_group" else [])
    many = make_contacts(org, 30, start=3, group_names=["newsletter"] if action == "remove_from_group" else [])

    def post(contacts):
        data = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [c.pk for c in contacts], "apply": "yes", **choice}
        return staff_client.post(LIST_URL, data)

    with CaptureQueriesContext(connection) as baseline:
        assert post(few).status_code == 302
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert post(many).status_code == 302
    assert ContactChange.objects.filter(channel="admin").count() == 33


def spy_on_engine(monkeypatch) -> list:
    """Records (organization, batch size) of every engine call the actions make."""
    calls = []
    real = actions.apply_updates

    def recording(*, organization, items, **kwargs):
        calls.append((organization, len(items)))
        return real(organization=organization, items=items, **kwargs)

    monkeypatch.setattr(actions, "apply_updates", recording)
    return calls
