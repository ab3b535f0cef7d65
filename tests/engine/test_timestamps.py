"""An instant is stored exactly (microseconds included) whichever statement writes it: the
contact row (ORM insert), its history row (set-based insert) and later updates."""

from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet, UpdateMode
from tests.engine.builders import apply


def test_creation_and_its_history_row_share_the_exact_instant(org):
    values = {"external_id": "1", "first_name": "A", "last_name": "B", "record_type_name": "Employee"}
    [created] = apply(org, [ChangeSet(values=values)])

    contact = Contact.objects.get(pk=created.contact_id)
    assert ContactChange.objects.get(contact=contact, mode="create").at == contact.created_at == contact.updated_at


def test_an_update_and_its_history_row_share_the_exact_instant(org):
    values = {"external_id": "1", "first_name": "A", "last_name": "B", "record_type_name": "Employee"}
    [created] = apply(org, [ChangeSet(values=values)])
    apply(org, [ChangeSet(values={"first_name": "C"}, contact_id=created.contact_id)], UpdateMode.PARTIAL)

    contact = Contact.objects.get(pk=created.contact_id)
    assert ContactChange.objects.get(contact=contact, mode="partial").at == contact.updated_at > contact.created_at
