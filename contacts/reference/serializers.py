"""Input/output shapes of reference data: record types, groups, topics and sources."""

from rest_framework import serializers

from contacts.api.strict import StrictFieldsMixin
from contacts.models import Group, RecordType, Source, Topic
from contacts.models.reference import NAME_MAX_LENGTH
from contacts.services.reference import create_record_type, update_record_type


def ensure_unique_in_organization(serializer: serializers.Serializer, message: str, **lookup: object) -> None:
    """400 when another row of the serializer's model and organization matches ``lookup``
    (the database constraint stays the final word under races)."""
    siblings = serializer.Meta.model.objects.filter(organization=serializer.context["organization"], **lookup)
    if serializer.instance is not None:
        siblings = siblings.exclude(pk=serializer.instance.pk)
    if siblings.exists():
        raise serializers.ValidationError(message)


class OrganizationNamedSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """``id`` and ``name``; the name is unique within the organization (in ``context``)."""

    name = serializers.CharField(max_length=NAME_MAX_LENGTH)

    class Meta:
        fields = ["id", "name"]

    def validate_name(self, name: str) -> str:
        ensure_unique_in_organization(
            self, f"A {self.Meta.model._meta.verbose_name} named {name!r} already exists.", name=name
        )
        return name

    def create(self, validated_data):
        return self.Meta.model.objects.create(organization=self.context["organization"], **validated_data)


class GroupSerializer(OrganizationNamedSerializer):
    class Meta(OrganizationNamedSerializer.Meta):
        model = Group


class TopicSerializer(OrganizationNamedSerializer):
    class Meta(OrganizationNamedSerializer.Meta):
        model = Topic


class SourceSerializer(OrganizationNamedSerializer):
    class Meta(OrganizationNamedSerializer.Meta):
        model = Source


class RecordTypeSerializer(OrganizationNamedSerializer):
    # No default: left out of a PUT, the flag stays as it is (renaming the default record
    # type must not read as "unset the default"); left out on create, it is False.
    isDefault = serializers.BooleanField(source="is_default", required=False)

    class Meta(OrganizationNamedSerializer.Meta):
        model = RecordType
        fields = ["id", "name", "isDefault"]

    def validate_isDefault(self, is_default: bool) -> bool:
        if self.instance is not None and self.instance.is_default and not is_default:
            raise serializers.ValidationError(
                "An organization keeps a default record type: make another one the default instead."
            )
        return is_default

    def create(self, validated_data) -> RecordType:
        return create_record_type(organization=self.context["organization"], **validated_data)

    def update(self, instance: RecordType, validated_data) -> RecordType:
        return update_record_type(
            instance, name=validated_data.get("name"), is_default=validated_data.get("is_default")
        )
