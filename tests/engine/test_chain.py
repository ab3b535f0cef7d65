"""A write phase in one statement (contacts/foundations/chain.py): the held writes run in
order, as one statement on PostgreSQL, and a read in between sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.foundations.chain import one_statement
from contacts.foundations.sql import delete_rows, insert_rows, update_rows
from contacts.models import Contact, ContactTag
from tests import factories

pytestmark = pytest.mark.django_db
HELD = connection.vendor == "postgresql"


def test_held_writes_run_in_order_as_one_statement(org):
    contact = factories.make_contact(org, first_name="Old")
    tag = factories.make_tag(org, "vip")
    link = ContactTag.objects.create(contact=contact, tag=tag, position=0)

    with CaptureQueriesContext(connection) as captured, one_statement():
        # The same (contact, tag) pair goes and comes back: the unique constraint only
        # holds if the delete runs before the insert.
        delete_rows(ContactTag, [link.pk])
        insert_rows(ContactTag, [{"contact_id": contact.pk, "tag_id": tag.pk, "position": 3}])
        update_rows(Contact, [{"id": contact.pk, "first_name": "New"}], ["first_name"], organization_id=org.pk)

    assert len(captured.captured_queries) == (1 if HELD else 3)
    assert list(ContactTag.objects.filter(contact=contact).values_list("tag_id", "position")) == [(tag.pk, 3)]
    assert not ContactTag.objects.filter(pk=link.pk).exists()
    assert Contact.objects.get(pk=contact.pk).first_name == "New"


def test_a_read_inside_the_block_sees_the_writes_before_it(org):
    contact = factories.make_contact(org, first_name="Old")

    with one_statement():
        update_rows(Contact, [{"id": contact.pk, "first_name": "New"}], ["first_name"], organization_id=org.pk)
        seen = Contact.objects.get(pk=contact.pk).first_name

    assert seen == "New"


def test_writes_held_when_the_block_fails_are_not_sent(org):
    contact = factories.make_contact(org, first_name="Old")

    with pytest.raises(RuntimeError), one_statement():
        update_rows(Contact, [{"id": contact.pk, "first_name": "New"}], ["first_name"], organization_id=org.pk)
        raise RuntimeError("refused")

    assert Contact.objects.get(pk=contact.pk).first_name == ("Old" if HELD else "New")
