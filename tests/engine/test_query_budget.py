"""The engine's query count does not grow with the batch or with nested data (DESIGN §4)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Tag, Topic
from contacts.services import ChangeSet
from contacts.services.parts import CHUNKED_FROM, WRITE_CHUNKS
from tests.engine.builders import apply, create_contacts, full_values

# Exact on both databases: on SQLite the platform lets Django use the build's real variable
# limit (contacts/db.py), so bulk statements are not split at 999 parameters.
SMALL_CONSTANT = 0
#: From CHUNKED_FROM contacts to update on, PostgreSQL gets their writes in WRITE_CHUNKS
#: statements instead of one (contacts/services/parts.py), and then no more however many.
PARTS_EXTRA = WRITE_CHUNKS - 1 if connection.vendor == "postgresql" else 0
if connection.vendor == "postgresql":
    #: Statements of a batch of FULL updates inside the test's transaction (a request adds
    #: BEGIN and COMMIT): lock and load, with every name found in the same statement
    #: (record types, groups, topics, tags, path and attribute definitions); every write in
    #: one statement (contacts/foundations/chain.py), or one per part from CHUNKED_FROM
    #: contacts on.
    FULL_BATCH_STATEMENTS = 2
    #: Creating (the tags exist): names resolved; external ids taken; the contacts (their
    #: ids are needed); links, tags and addresses in one statement; the paths (their frames
    #: need their ids); frames, attribute values and history in one statement.
    CREATE_BATCH_STATEMENTS = 6
else:
    #: SQLite sends each write on its own: lock and load, names found with it; the
    #: contacts' UPDATE; topic links; tags (stale links out, new links); addresses; paths;
    #: quiet time frames (as many as before each, rewritten in place); attribute values;
    #: history.
    FULL_BATCH_STATEMENTS = 10
    #: Creating (the tags exist): names resolved; external ids taken; the contacts; group
    #: links; tag links; addresses, paths, frames, attribute values; history.
    CREATE_BATCH_STATEMENTS = 10


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def full_update_batch(org, ids, topics, start=0):
    """FULL updates: scalars changed, paths' frames replaced, attributes replaced, groups changed."""
    items = [
        ChangeSet(values=full_values(n, nested=2, variant="b") | {"topics": topics}, contact_id=contact_id)
        for n, contact_id in enumerate(ids, start=start)
    ]
    results = apply(org, items)
    assert {result.status for result in results} == {"updated"}, results[0].problems


def test_batch_of_1000_costs_no_more_queries_than_batch_of_10(nested_org):
    topics = list(Topic.objects.filter(organization=nested_org).values_list("pk", flat=True)[:2])
    ids = create_contacts(nested_org, 1000, nested=2, topics=topics[:1])
    small_ids = create_contacts(nested_org, 10, nested=2, topics=topics[:1], start=1000)
    threshold_ids = create_contacts(nested_org, CHUNKED_FROM, nested=2, topics=topics[:1], start=1010)
    # The tags the batches link exist, so that the comparison is about size alone.
    Tag.objects.bulk_create([Tag(organization=nested_org, name=f"tag{i}b") for i in range(2)])
    small = count_queries(lambda: full_update_batch(nested_org, small_ids, topics, start=1000))
    large = count_queries(lambda: full_update_batch(nested_org, ids, topics))
    at_threshold = count_queries(lambda: full_update_batch(nested_org, threshold_ids, topics, start=1010))
    assert small == FULL_BATCH_STATEMENTS
    assert large == at_threshold == small + PARTS_EXTRA
    stored = Contact.objects.get(pk=ids[0])
    assert stored.first_name.endswith("b") and stored.version == 2
    assert Contact.objects.get(pk=threshold_ids[-1]).first_name == f"First{1009 + CHUNKED_FROM}b"


def test_creating_1000_costs_no_more_queries_than_creating_10(nested_org):
    small = count_queries(lambda: create_contacts(nested_org, 10, nested=2))
    Contact.objects.all().delete()
    large = count_queries(lambda: create_contacts(nested_org, 1000, nested=2))
    assert large <= small + SMALL_CONSTANT
    assert large == CREATE_BATCH_STATEMENTS
    assert Contact.objects.filter(organization=nested_org).count() == 1000


def test_single_update_with_20_of_each_nested_kind_costs_no_more_than_with_1(nested_org):
    topics = list(Topic.objects.filter(organization=nested_org).values_list("pk", flat=True))
    [one] = create_contacts(nested_org, 1, nested=1)
    [twenty] = create_contacts(nested_org, 1, nested=20, start=1)

    def update(contact_id, nested, external_id):
        values = full_values(0, nested=nested, variant="b") | {"topics": topics[:nested], "external_id": external_id}
        [result] = apply(nested_org, [ChangeSet(values=values, contact_id=contact_id)])
        assert result.status == "updated", result.problems

    with_one = count_queries(lambda: update(one, 1, "ext-0"))
    with_twenty = count_queries(lambda: update(twenty, 20, "ext-1"))
    assert with_twenty <= with_one
    assert Contact.objects.get(pk=twenty).paths.count() == 20
