"""The contact page shows its history as readable rows (DESIGN §12): when, channel, actor and
one ``Label: before → after`` line per changed field with human values; every value escaped;
names resolved for the whole page, so its queries do not grow with the history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact, ContactChange, Topic
from contacts.services import ChangeSet, UpdateMode
from paths.models import PathKind
from tests import factories
from tests.admin.helpers import change_url
from tests.engine.builders import apply


@pytest.fixture
def contact(org) -> Contact:
    factories.make_group(org, "group1")
    factories.make_group(org, "group2")
    factories.make_topic(org, "news")
    factories.make_record_type(org, "Partner", is_default=False)
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
                    "timezone_id": "Europe/Berlin",
                    "group_names": ["group1"],
                    "paths": [{"prompt": "phone", "value": "+49 30 1234567"}],
                }
            )
        ],
    )
    return Contact.objects.get(pk=result.contact_id)


def history_section(page: str) -> str:
    start = page.index('id="contact-history"')
    return page[start : page.index("</table>", start)]


def test_changes_read_as_before_and_after_with_names(superuser_client, org, contact):
    apply(
        org,
        [
            ChangeSet(
                contact_id=contact.pk,
                values={
                    "first_name": "Augusta",
                    "email": "ada@example.com",
                    "record_type_name": "Partner",
                    "group_names": ["group2"],
                    "topics": [Topic.objects.get(organization=org, name="news").pk],
                    "tags": ["vip", "press"],
                    "paths": [
                        {
                            "prompt": "phone",
                            "value": "+49 30 1234567",
                            "quiet_time_frames": [{"name": "night", "days": [1, 7], "from_hour": 22, "to_hour": 7}],
                        }
                    ],
                    "attributes": [{"name": "attr1", "values": ["option1", "option2"]}],
                },
            )
        ],
        mode=UpdateMode.PARTIAL,
    )

    section = history_section(superuser_client.get(change_url(contact)).content.decode())

    for line in (
        "First name: Ada → Augusta",
        "Email: — → ada@example.com",
        "Record type: Employee → Partner",
        "Groups: group1 → group1, group2",
        "Topics: — → news",
        "Tags: — → vip, press",
        "Paths: phone: +49301234567 → phone: +49301234567 (quiet: night Sun, Sat 22:00\u201307:00)",
        "Attributes: — → attr1: option1, option2",
    ):
        assert line in section
    assert "<td>native (partial)</td><td>test</td>" in section
    assert "<td>native (create)</td>" in section


def test_the_history_is_shown_open_on_the_page(superuser_client, contact):
    page = superuser_client.get(change_url(contact)).content.decode()

    start = page.index('id="contact-history"')
    assert "Change history" in page[start : start + 200]
    assert page.rfind("<details", 0, start) < page.rfind("</details>", 0, start)


def test_client_input_in_history_is_escaped(superuser_client, org, contact):
    apply(
        org,
        [ChangeSet(contact_id=contact.pk, values={"first_name": "<script>alert(1)</script>", "tags": ["<b>x</b>"]})],
        mode=UpdateMode.PARTIAL,
    )

    page = superuser_client.get(change_url(contact)).content.decode()
    section = history_section(page)

    assert "First name: Ada → &lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "Tags: — → &lt;b&gt;x&lt;/b&gt;" in section
    assert "<script>alert(1)" not in page
    assert "<b>x</b>" not in page


def test_names_that_no_longer_exist_show_their_id(superuser_client, org, contact):
    record(contact, {"groups": {"before": [], "after": [987654]}, "department": {"before": None, "after": ""}})

    section = history_section(superuser_client.get(change_url(contact)).content.decode())

    assert "Groups: — → #987654" in section
    assert "Department: — → —" in section


def test_the_history_costs_the_same_for_30_rows_as_for_3(superuser_client, org, contact, django_assert_max_num_queries):
    group, topic = factories.make_group(org, "many"), factories.make_topic(org, "many")
    attribute = factories.make_attribute(org, "many")
    path_id = contact.paths.get().definition_id
    changes = {
        "record_type_id": {"before": contact.record_type_id, "after": contact.record_type_id},
        "groups": {"before": [], "after": [group.pk]},
        "topics": {"before": [], "after": [topic.pk]},
        "paths": {"before": [], "after": [{"path_id": path_id, "value": "+1", "quiet_time_frames": []}]},
        "attributes": {"before": [], "after": [{"org_attr_id": attribute.pk, "values": ["option1"]}]},
    }
    for _ in range(2):
        record(contact, changes)
    with CaptureQueriesContext(connection) as baseline:
        assert superuser_client.get(change_url(contact)).status_code == 200
    for _ in range(27):
        record(contact, changes)

    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = superuser_client.get(change_url(contact)).content.decode()
    assert history_section(page).count("Attributes: — → many: option1") == 29


def record(contact: Contact, changes: dict) -> ContactChange:
    return ContactChange.objects.create(
        contact=contact,
        contact_id_value=contact.pk,
        organization=contact.organization,
        at=timezone.now(),
        actor="user:someone",
        channel="admin",
        mode="partial",
        changes=changes,
    )
