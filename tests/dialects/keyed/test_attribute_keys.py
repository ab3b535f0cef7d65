"""Seed 000: ``key_id`` "can be a field id", a custom attribute's included (DESIGN §10):
text, number, date and single-choice attributes name contacts by their value."""

import pytest

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact
from tests import factories
from tests.dialects.keyed.conftest import assert_reply, create_contact


@pytest.fixture
def fields(org):
    text = factories.make_attribute(org, "member_code", DataType.STRING, DisplayFormat.FREE_TEXT)
    number = factories.make_attribute(org, "badge", DataType.NUMBER, DisplayFormat.FREE_TEXT)
    tier = factories.make_attribute(org, "tier", DataType.STRING, DisplayFormat.SINGLE_CHOICE, ["gold", "silver"])
    many = factories.make_attribute(org, "hobbies", DataType.STRING, DisplayFormat.MULTIPLE_CHOICE, ["a", "b"])
    return {"text": text, "number": number, "tier": tier, "many": many}


@pytest.fixture
def members(org, fields):
    def member(n: int, code: str, badge: int, tier: str) -> int:
        return create_contact(
            org,
            external_id=f"m{n}",
            first_name=f"Member{n}",
            last_name="L",
            attributes=[
                {"name": "member_code", "values": [code]},
                {"name": "badge", "values": [badge]},
                {"name": "tier", "values": [tier]},
            ],
        )

    return [member(1, "A-1", 7, "gold"), member(2, "B-2", 8, "silver"), member(3, "C-3", 9, "silver")]


def test_a_text_attribute_names_the_contact_to_update(keyed, fields, members):
    field_id = str(fields["text"].field_id)

    data = assert_reply(keyed.put({"key_id": field_id, field_id: "B-2", "1": "Renamed"}), 200, 0)

    assert data == {"id": members[1]}
    assert Contact.objects.get(pk=members[1]).first_name == "Renamed"
    assert Contact.objects.get(pk=members[0]).first_name == "Member1"


def test_a_number_attribute_matches_its_stored_number(keyed, fields, members):
    field_id = str(fields["number"].field_id)

    data = assert_reply(keyed.put({"key_id": field_id, field_id: "7", "9": "Dr"}), 200, 0)

    assert data == {"id": members[0]}
    assert Contact.objects.get(pk=members[0]).title == "Dr"


def test_a_single_choice_attribute_matches_by_value_or_choice_id_and_ambiguity_is_2010(keyed, fields, members):
    field_id = str(fields["tier"].field_id)

    gold = assert_reply(keyed.put({"key_id": field_id, field_id: "1", "9": "Gold"}), 200, 0)
    silver = keyed.put({"key_id": field_id, field_id: "silver", "9": "Silver"})

    assert gold == {"id": members[0]}
    assert_reply(silver, 400, 2010)
    assert set(Contact.objects.filter(pk__in=members[1:]).values_list("title", flat=True)) == {""}


def test_an_unmatched_attribute_value_is_2008_and_a_multiple_choice_key_is_2006(keyed, fields, members):
    text_id, many_id = str(fields["text"].field_id), str(fields["many"].field_id)

    assert_reply(keyed.put({"key_id": text_id, text_id: "Z-9", "1": "X"}), 400, 2008)
    assert_reply(keyed.put({"key_id": many_id, many_id: "a", "1": "X"}), 400, 2006)
    assert not Contact.objects.filter(first_name="X").exists()


def test_a_batch_keyed_by_attribute_updates_each_contact(keyed, fields, members):
    field_id = str(fields["text"].field_id)
    contacts = [{field_id: "A-1", "9": "One"}, {field_id: "C-3", "9": "Three"}]

    data = assert_reply(keyed.put({"key_id": field_id, "contacts": contacts}), 200, 0)

    assert data == {"ids": [members[0], members[2]], "errors": {}}
    assert list(Contact.objects.filter(pk__in=members).order_by("pk").values_list("title", flat=True)) == [
        "One",
        "",
        "Three",
    ]
