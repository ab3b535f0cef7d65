"""Writes of reference data whose rules span rows: the organization's default record type."""

from django.db import transaction

from contacts.models import Organization, RecordType


@transaction.atomic
def create_record_type(*, organization: Organization, name: str, is_default: bool = False) -> RecordType:
    """Create a record type. The organization's first one becomes its default; one created
    as default takes the mark from the previous default in the same transaction."""
    first = not RecordType.objects.filter(organization=organization).exists()
    if is_default:
        RecordType.objects.filter(organization=organization, is_default=True).update(is_default=False)
    return RecordType.objects.create(organization=organization, name=name, is_default=is_default or first)


@transaction.atomic
def update_record_type(
    record_type: RecordType, *, name: str | None = None, is_default: bool | None = None
) -> RecordType:
    """Rename and/or make the default. Unsetting the default is refused by the caller's
    validation: an organization moves its default by naming a new one."""
    if is_default and not record_type.is_default:
        RecordType.objects.filter(organization_id=record_type.organization_id, is_default=True).update(is_default=False)
        record_type.is_default = True
    if name is not None:
        record_type.name = name
    record_type.save()
    return record_type
