"""Change events under concurrency (DESIGN §11), on PostgreSQL: a reader that follows the
feed while singles and batches commit from several threads sees every change exactly once,
each contact's in version order; writers of one organization commit side by side, and a
reader (the feed, the webhook fan-out) waits for a change still committing with a lower id
instead of passing it; two delivery workers send each delivery once."""

import os
import subprocess
import sys
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from contacts.auth.keys import encrypt_key
from contacts.models import Channel, ContactChange, WebhookDelivery, WebhookSubscription
from contacts.services import ChangeSet, UpdateMode, apply_update
from contacts.webhooks.delivery import current_position, deliver, fan_out, new_secret
from tests import factories
from tests.dialects.native.helpers import SETUP_ACTOR, seed_contact
from tests.events.receiver import start_receiver
from tests.sessions import held_open

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
ROUNDS = 15


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_reader_following_the_feed_sees_every_change_once_in_order(org):
    secret = factories.make_key(org).secret
    ids = [
        seed_contact(org, external_id=f"x{n}", first_name="A", last_name="B", record_type_name="Employee")
        for n in range(12)
    ]
    base = f"/rest/contacts/{org.pk}"
    done = threading.Event()
    errors: list[str] = []

    def write(worker: int) -> None:
        client = client_for(secret)
        try:
            for round_ in range(ROUNDS):
                if round_ % 3 == 0:
                    chosen = ids[worker::2]
                    batch = [
                        {"id": i, "externalId": f"x{ids.index(i)}", "firstName": f"W{worker}R{round_}",
                         "lastName": "B", "recordTypeName": "Employee"}
                        for i in chosen
                    ]  # fmt: skip
                    response = client.put(f"{base}/batch", batch, format="json")
                else:
                    response = client.patch(
                        f"{base}/{ids[(worker + round_) % len(ids)]}", {"title": f"{worker}-{round_}"}, format="json"
                    )
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.content[:200]!r}")
        finally:
            connection.close()

    seen: list[dict] = []

    def read() -> None:
        client, cursor = client_for(secret), ""
        try:
            while True:
                finished = done.is_set()
                page = client.get(f"/rest/changes/{org.pk}?limit=7&after={cursor}").json()
                seen.extend(page["changes"])
                cursor = page["nextCursor"]
                if finished and not page["changes"]:
                    return
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    done.set()
    reader.join(120)

    assert errors == []
    stored = list(ContactChange.objects.filter(organization=org).order_by("id").values_list("id", flat=True))
    seen_ids = [event["id"] for event in seen]
    assert len(seen_ids) == len(set(seen_ids))  # nothing twice
    assert sorted(seen_ids) == stored  # nothing missing
    assert len(stored) > 12 + WRITERS * ROUNDS  # the writers really wrote (batches count per contact)
    for contact_id in ids:
        versions = [event["version"] for event in seen if event["contact"]["id"] == contact_id]
        assert versions == list(range(1, len(versions) + 1))  # each contact in version order, no gap


def retitle(org, contact_id: int, title: str) -> None:
    apply_update(
        organization=org,
        item=ChangeSet(contact_id=contact_id, values={"title": title}),
        mode=UpdateMode.PARTIAL,
        actor=SETUP_ACTOR,
        channel=Channel.NATIVE,
    )


def change_held_open(org, contact_id: int) -> AbstractContextManager[None]:
    """Inside the block, a change of the contact written in another session is held open:
    its history id drawn, not committed. It commits as the block ends."""
    return held_open(lambda: retitle(org, contact_id, "held"))


def waiting_on_a_history_lock() -> bool:
    """Whether a session of the test database comes to wait on an advisory lock (within 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def feed_reader(org, secret: str, after: str):
    """Reads the feed once after the cursor ``after``; returns what it was given."""
    client = client_for(secret)
    return lambda: client.get(f"/rest/changes/{org.pk}?after={after}").json()["changes"]


def fan_out_reader(org, secret: str, after: str):
    """Fans out once to a subscription made before the changes; returns the deliveries' changes."""
    WebhookSubscription.objects.create(
        organization=org,
        url="https://hooks.example.com/in",
        secret_encrypted=encrypt_key(new_secret()),
        last_change_id=current_position(org.pk),
    )

    def read() -> list[dict]:
        fan_out()
        return [
            {"id": change_id}
            for change_id in WebhookDelivery.objects.order_by("id").values_list("change_id", flat=True)
        ]

    return read


@pytest.mark.parametrize("make_reader", [feed_reader, fan_out_reader], ids=["feed", "fan-out"])
def test_writers_commit_side_by_side_and_a_reader_waits_for_the_change_still_committing(org, make_reader):
    secret = factories.make_key(org).secret
    first, second = (
        seed_contact(org, external_id=f"s{n}", first_name="A", last_name="B", record_type_name="Employee")
        for n in range(2)
    )
    after = client_for(secret).get(f"/rest/changes/{org.pk}").json()["nextCursor"]
    read = make_reader(org, secret, after)
    given: list[list[dict]] = []
    reader = threading.Thread(target=lambda: (given.append(read()), connection.close()))
    with change_held_open(org, first):
        other = threading.Thread(target=lambda: (retitle(org, second, "free"), connection.close()))
        other.start()
        other.join(10)
        assert not other.is_alive()  # a second writer of the organization does not wait for the first
        committed = list(ContactChange.objects.filter(organization=org, version=2).values_list("contact_id", flat=True))
        assert committed == [second]  # the held change is not visible yet
        reader.start()
        assert waiting_on_a_history_lock()  # the reader waits for the held change instead of passing its id
        assert reader.is_alive()
    reader.join(30)

    changes = list(
        ContactChange.objects.filter(organization=org, version=2).order_by("id").values_list("id", "contact_id")
    )
    assert [contact for _, contact in changes] == [first, second]  # the held change drew the lower id
    assert [event["id"] for event in given[0]] == [change_id for change_id, _ in changes]


def test_a_reader_with_nothing_new_to_read_does_not_wait_for_a_change_committing(org):
    secret = factories.make_key(org).secret
    contact = seed_contact(org, external_id="i", first_name="A", last_name="B", record_type_name="Employee")
    client = client_for(secret)
    after = client.get(f"/rest/changes/{org.pk}").json()["nextCursor"]
    with change_held_open(org, contact):
        page = client.get(f"/rest/changes/{org.pk}?after={after}").json()  # answers at once: no lock to wait for
        assert page == {"changes": [], "nextCursor": after}
    [event] = client.get(f"/rest/changes/{org.pk}?after={after}").json()["changes"]
    assert (event["contact"]["id"], event["version"]) == (contact, 2)


def test_two_workers_share_the_deliveries_and_send_each_once(org, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver, server = start_receiver()
    try:
        WebhookSubscription.objects.create(
            organization=org, url=receiver.url, secret_encrypted=encrypt_key(new_secret())
        )
        secret = factories.make_key(org).secret
        client = client_for(secret)
        ids = [
            seed_contact(org, external_id=f"d{n}", first_name="A", last_name="B", record_type_name="Employee")
            for n in range(6)
        ]
        for round_ in range(5):
            for contact_id in ids:
                client.patch(f"/rest/contacts/{org.pk}/{contact_id}", {"title": f"T{round_}"}, format="json")

        def work() -> None:
            try:
                deliver(once=True, batch_size=3)
            finally:
                connection.close()

        workers = [threading.Thread(target=work) for _ in range(2)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(120)
    finally:
        server.shutdown()

    sent = receiver.ids()
    assert len(sent) == len(set(sent)) == 6 + 6 * 5  # every change once (creations included)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    for contact_id in ids:
        versions = [r.event["version"] for r in receiver.received if r.event["contact"]["id"] == contact_id]
        assert versions == sorted(versions)


def test_a_worker_killed_mid_delivery_loses_nothing(org, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver, server = start_receiver()
    receiver.script = [("sleep", 30)]  # the first request hangs: the worker is killed in it
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "WEBHOOK_TIMEOUT_SECONDS": "60",
    }
    try:
        WebhookSubscription.objects.create(
            organization=org, url=receiver.url, secret_encrypted=encrypt_key(new_secret())
        )
        contact = seed_contact(org, external_id="k", first_name="A", last_name="B", record_type_name="Employee")
        worker = subprocess.Popen([sys.executable, "manage.py", "deliver_webhooks"], env=env, cwd=ROOT)
        for _ in range(300):
            if receiver.received:
                break
            time.sleep(0.1)
        worker.kill()
        worker.wait(10)
        assert len(receiver.received) == 1
        assert WebhookDelivery.objects.get().status == "pending"  # in flight when the worker died
        WebhookDelivery.objects.update(leased_until=timezone.now())  # its lease runs out

        deliver(once=True)
    finally:
        server.shutdown()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert receiver.ids() == [f"evt_{delivery.change_id}"] * 2  # sent again, same id
    assert receiver.received[1].event["contact"]["id"] == contact
