"""Integrity lives in the database (DESIGN §3): these tests bypass every serializer and
service and prove the constraints themselves reject bad rows."""

import re

import pytest
from django.db import IntegrityError, transaction

from attributes.models import AttributeDefinition, ContactAttributeValue
from contacts.models import Contact, Group, RecordType, Source, Tag, Topic
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.services import ChangeSet
from paths.models import ContactPath, PathDefinition, QuietTimeFrame
from tests import factories
from tests.engine.builders import apply

UID_PATTERN = re.compile(r"^cnt_[a-z0-9]{12}$")


def assert_rejected_by_database(create) -> None:
    """The row is refused by the database itself, and the transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --- external id -----------------------------------------------------------------------


def test_duplicate_external_id_in_one_org_fails_at_database(org):
    factories.make_contact(org, external_id="E-1")

    assert_rejected_by_database(lambda: factories.make_contact(org, external_id="E-1"))

    assert Contact.objects.filter(organization=org, external_id="E-1").count() == 1


def test_same_external_id_allowed_across_orgs(org, other_org):
    factories.make_contact(org, external_id="E-1")
    factories.make_contact(other_org, external_id="E-1")

    assert Contact.objects.filter(external_id="E-1").count() == 2


def test_several_empty_external_ids_allowed_in_one_org(org):
    factories.make_contact(org, external_id="")
    factories.make_contact(org, external_id="")

    assert Contact.objects.filter(organization=org, external_id="").count() == 2


# --- names unique per organization -------------------------------------------------------


def _make_named(model, org, name):
    if model is PathDefinition:
        return PathDefinition.objects.create(organization=org, prompt=name)
    if model is AttributeDefinition:
        taken = AttributeDefinition.objects.filter(organization=org).count()
        return AttributeDefinition.objects.create(organization=org, name=name, field_id=100 + taken)
    if model is RecordType:
        return RecordType.objects.create(organization=org, name=name, is_default=False)
    return model.objects.create(organization=org, name=name)


NAMED_MODELS = [RecordType, Group, Topic, Tag, Source, PathDefinition, AttributeDefinition]


@pytest.mark.parametrize("model", NAMED_MODELS, ids=lambda model: model.__name__)
def test_name_unique_per_org(model, org):
    _make_named(model, org, "dup")

    assert_rejected_by_database(lambda: _make_named(model, org, "dup"))

    name_field = "prompt" if model is PathDefinition else "name"
    assert model.objects.filter(organization=org, **{name_field: "dup"}).count() == 1


@pytest.mark.parametrize("model", NAMED_MODELS, ids=lambda model: model.__name__)
def test_same_name_allowed_across_orgs(model, org, other_org):
    _make_named(model, org, "shared")
    _make_named(model, other_org, "shared")

    name_field = "prompt" if model is PathDefinition else "name"
    assert model.objects.filter(**{name_field: "shared"}).count() == 2


def test_attribute_field_id_unique_per_org_and_at_least_100(org, other_org):
    AttributeDefinition.objects.create(organization=org, name="a", field_id=100)
    AttributeDefinition.objects.create(organization=other_org, name="a", field_id=100)

    assert_rejected_by_database(lambda: AttributeDefinition.objects.create(organization=org, name="b", field_id=100))
    assert_rejected_by_database(lambda: AttributeDefinition.objects.create(organization=org, name="c", field_id=99))
    assert AttributeDefinition.objects.filter(organization=org).count() == 1


# --- default record type -------------------------------------------------------------------


def test_only_one_default_record_type_per_org(org):
    # The ``org`` fixture already has its default record type ("Employee").
    assert_rejected_by_database(lambda: RecordType.objects.create(organization=org, name="Partner", is_default=True))
    RecordType.objects.create(organization=org, name="Partner", is_default=False)

    assert list(RecordType.objects.filter(organization=org, is_default=True).values_list("name", flat=True)) == [
        "Employee"
    ]


def test_each_org_has_its_own_default_record_type(org, other_org):
    assert RecordType.objects.filter(is_default=True, organization__in=[org, other_org]).count() == 2


# --- paths and quiet time frames -------------------------------------------------------------


@pytest.fixture
def contact_path(org):
    contact = factories.make_contact(org)
    definition = factories.make_path(org)
    return ContactPath.objects.create(contact=contact, definition=definition, value="+4930123456")


def _frame(path, **overrides):
    fields = {"name": "night", "days": 0b1111111, "from_hour": 22, "from_min": 0, "to_hour": 6, "to_min": 0}
    fields.update(overrides)
    return QuietTimeFrame.objects.create(path=path, **fields)


def test_valid_quiet_time_frame_extremes_accepted(contact_path):
    _frame(contact_path, days=1, from_hour=0, from_min=0, to_hour=23, to_min=59)
    _frame(contact_path, days=127)

    assert contact_path.quiet_time_frames.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"days": 0},
        {"days": 128},
        {"from_hour": 24},
        {"to_hour": 24},
        {"from_min": 60},
        {"to_min": 60},
    ],
    ids=lambda overrides: "-".join(f"{key}={value}" for key, value in overrides.items()),
)
def test_quiet_time_frame_out_of_range_rejected_by_database(contact_path, overrides):
    assert_rejected_by_database(lambda: _frame(contact_path, **overrides))

    assert not QuietTimeFrame.objects.filter(path=contact_path).exists()


def test_one_contact_path_per_definition_per_contact(org, contact_path):
    assert_rejected_by_database(
        lambda: ContactPath.objects.create(
            contact=contact_path.contact, definition=contact_path.definition, value="+4930999999"
        )
    )
    # The same definition on another contact is fine.
    ContactPath.objects.create(
        contact=factories.make_contact(org), definition=contact_path.definition, value="+4930999999"
    )

    assert ContactPath.objects.filter(definition=contact_path.definition).count() == 2
    assert contact_path.contact.paths.count() == 1


def test_one_attribute_value_per_definition_per_contact(org):
    contact = factories.make_contact(org)
    definition = factories.make_attribute(org)
    ContactAttributeValue.objects.create(contact=contact, definition=definition, values=["option1"])

    assert_rejected_by_database(
        lambda: ContactAttributeValue.objects.create(contact=contact, definition=definition, values=["option2"])
    )
    ContactAttributeValue.objects.create(contact=factories.make_contact(org), definition=definition, values=["option2"])

    assert list(contact.attribute_values.values_list("values", flat=True)) == [["option1"]]
    assert ContactAttributeValue.objects.filter(definition=definition).count() == 2


# --- contact identity and defaults ------------------------------------------------------------


def test_uid_generated_with_prefix_and_unique(org):
    contacts = [factories.make_contact(org) for _ in range(20)]

    uids = [contact.uid for contact in Contact.objects.filter(pk__in=[c.pk for c in contacts])]
    assert all(UID_PATTERN.match(uid) for uid in uids), uids
    assert len(set(uids)) == len(uids)


def test_uid_unique_at_database(org):
    first = factories.make_contact(org)

    assert_rejected_by_database(lambda: factories.make_contact(org, uid=first.uid))

    assert Contact.objects.filter(uid=first.uid).count() == 1


def test_engagement_defaults(org):
    contact = Contact.objects.get(pk=factories.make_contact(org).pk)

    assert contact.score == 2
    assert contact.rating == 2
    assert contact.email_status == "none"
    assert contact.email_message_ids == []
    assert contact.sms_message_ids == []
    not_counters = {"score", "rating", "email_status", "email_message_ids", "sms_message_ids"}
    counters = [name for name in ENGAGEMENT_FIELDS if name not in not_counters]
    assert len(counters) == 17
    assert {name: getattr(contact, name) for name in counters} == dict.fromkeys(counters, 0)
    assert contact.version == 1


def test_an_organization_is_deleted_with_everything_it_holds(org):
    factories.make_path(org, "phone")
    factories.make_attribute(org, "attr1")
    [result] = apply(
        org,
        [
            ChangeSet(
                values={
                    "external_id": "1",
                    "first_name": "A",
                    "last_name": "B",
                    "record_type_name": "Employee",
                    "paths": [{"prompt": "phone", "value": "+33612345678"}],
                    "attributes": [{"name": "attr1", "values": ["option1"]}],
                }
            )
        ],
    )

    org.delete()

    assert not Contact.objects.filter(pk=result.contact_id).exists()
    assert not RecordType.objects.filter(organization_id=org.pk).exists()
