"""Input/output shape of attribute definitions (``/rest/contactAttributes/...``)."""

from rest_framework import serializers

from attributes.models import (
    CHOICE_FORMATS,
    FIRST_FIELD_ID,
    NAME_MAX_LENGTH,
    AttributeDefinition,
    DataType,
    DisplayFormat,
)
from attributes.services import next_field_id
from attributes.types import InvalidValue, normalize_value
from contacts.api.strict import StrictFieldsMixin
from contacts.ids import MAX_ID
from contacts.reference.serializers import ensure_unique_in_organization

INT32_MAX = 2**31 - 1


class AttributeDefinitionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    dataType = serializers.ChoiceField(source="data_type", choices=DataType.choices, default=DataType.STRING)
    displayFormat = serializers.ChoiceField(
        source="display_format", choices=DisplayFormat.choices, default=DisplayFormat.FREE_TEXT
    )
    definedValues = serializers.ListField(
        source="defined_values", child=serializers.JSONField(), required=False, default=list, max_length=1000
    )
    fieldId = serializers.IntegerField(
        source="field_id", required=False, min_value=FIRST_FIELD_ID, max_value=min(INT32_MAX, MAX_ID)
    )

    class Meta:
        model = AttributeDefinition
        fields = ["id", "name", "dataType", "displayFormat", "definedValues", "fieldId"]

    def validate_name(self, name: str) -> str:
        ensure_unique_in_organization(self, f"An attribute named {name!r} already exists.", name=name)
        return name

    def validate_fieldId(self, field_id: int) -> int:
        if self.instance is not None:
            if field_id != self.instance.field_id:
                raise serializers.ValidationError("A field id never changes once assigned.")
            return field_id
        ensure_unique_in_organization(
            self, f"Field id {field_id} is already used by another attribute.", field_id=field_id
        )
        return field_id

    def validate(self, attrs: dict) -> dict:
        data_type = attrs.get("data_type", getattr(self.instance, "data_type", DataType.STRING))
        display_format = attrs.get("display_format", getattr(self.instance, "display_format", DisplayFormat.FREE_TEXT))
        defined = attrs.get("defined_values", getattr(self.instance, "defined_values", []))
        errors: dict[str, list[str]] = {}
        if display_format in CHOICE_FORMATS and not defined:
            errors["definedValues"] = [f"Required for display format {display_format} (a choice list)."]
        elif display_format not in CHOICE_FORMATS and defined:
            errors["definedValues"] = ["Only choice display formats (L, S) take defined values."]
        normalized, per_value = [], {}
        for index, value in enumerate(defined):
            try:
                normalized.append(normalize_value(data_type, value))
            except InvalidValue as error:
                per_value[str(index)] = [f"{value!r} {error} ({data_type})."]
        if per_value:
            errors["definedValues"] = per_value
        elif len(set(map(str, normalized))) != len(normalized):
            errors["definedValues"] = ["Defined values must be distinct."]
        if errors:
            raise serializers.ValidationError(errors)
        if "defined_values" in attrs:
            attrs["defined_values"] = normalized
        return attrs

    def create(self, validated_data) -> AttributeDefinition:
        organization = self.context["organization"]
        validated_data.setdefault("field_id", next_field_id(organization))
        return AttributeDefinition.objects.create(organization=organization, **validated_data)
