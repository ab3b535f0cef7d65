"""Rules of attribute definitions: field id assignment and defined values."""

from django.db.models import Max

from attributes.models import FIRST_FIELD_ID, AttributeDefinition
from contacts.models import Organization


def next_field_id(organization: Organization) -> int:
    """The next free keyed-dialect field id of the organization (≥ 100)."""
    highest = AttributeDefinition.objects.filter(organization=organization).aggregate(top=Max("field_id"))[
        "top"
    ]
    return max(FIRST_FIELD_ID, (highest or 0) + 1)
