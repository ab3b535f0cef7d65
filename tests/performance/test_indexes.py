"""Every update of a contact writes an entry into each index of the contact table that it
cannot update in place, and every change appends a history row with an entry in each index
of the history table: neither table keeps an index whose columns lead another one, which
serves every lookup the shorter one would (DESIGN §8)."""

import pytest
from django.db import connection

from contacts.models import Contact, ContactChange


@pytest.mark.parametrize("model", [Contact, ContactChange])
def test_no_index_is_the_leading_part_of_another(db, model):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexes = {name: tuple(spec["columns"]) for name, spec in found.items() if spec["index"] and spec["columns"]}
    assert len(indexes) >= 5, indexes  # the introspection found them
    redundant = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if other != name
        and len(longer) > len(columns)
        and longer[: len(columns)] == columns
        and not found[name]["unique"]
    ]
    assert redundant == []


def test_a_contact_s_public_id_is_unique_without_a_pattern_index(db):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Contact._meta.db_table)
    on_uid = {name: spec for name, spec in found.items() if spec["columns"] == ["uid"]}
    assert [spec["unique"] for spec in on_uid.values()] == [True], on_uid
