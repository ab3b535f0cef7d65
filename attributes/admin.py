"""Attribute definitions and contact attribute values, and the form field that edits one
attribute's values on the contact page with a widget chosen by its definition."""

import math
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from attributes.models import FIRST_FIELD_ID, AttributeDefinition, ContactAttributeValue, DataType, DisplayFormat
from attributes.services import next_field_id
from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin


class AttributeDefinitionForm(forms.ModelForm):
    # DESIGN §9: fieldId is optional on create, else the next free one; it never changes.
    field_id = forms.IntegerField(
        required=False, min_value=FIRST_FIELD_ID, help_text="Leave blank for the next free id."
    )

    class Meta:
        model = AttributeDefinition
        fields = ("organization", "name", "data_type", "display_format", "defined_values", "field_id")

    def clean(self) -> dict:
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if self.instance.pk is None and cleaned.get("field_id") is None and organization is not None:
            # Assigned before model validation, so the unique (organization, field_id) check sees it.
            cleaned["field_id"] = next_field_id(organization)
        return cleaned


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    form = AttributeDefinitionForm
    list_display = ("name", "field_id", "data_type", "display_format", "organization")
    list_filter = ("organization", "data_type", "display_format")
    list_select_related = ("organization",)
    search_fields = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: AttributeDefinition | None = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "field_id") if obj else readonly


@admin.register(ContactAttributeValue)
class ContactAttributeValueAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    organization_lookup = "contact__organization"
    list_display = ("__str__", "contact", "definition", "position")
    list_filter = ("contact__organization",)
    list_select_related = ("contact", "definition")
    search_fields = ("definition__name", "contact__email", "contact__uid")
    autocomplete_fields = ("contact", "definition")


ATTRIBUTE_FIELD_PREFIX = "attr_"
INTEGER = re.compile(r"[+-]?\d+")
#: The widget of a free-text attribute, by data type (choice formats have their own).
FREE_TEXT_WIDGETS: dict[str, type[forms.Widget]] = {
    DataType.STRING: forms.TextInput,
    DataType.NUMBER: forms.NumberInput,
    DataType.DATE: forms.DateInput,
}
WIDGET_ATTRS: dict[str, dict[str, str]] = {
    DataType.STRING: {"maxlength": "255"},
    DataType.NUMBER: {"step": "any"},
    DataType.DATE: {"type": "date"},
}
HELP_TEXTS = {
    DisplayFormat.SINGLE_CHOICE: "Single choice; the empty choice removes the value.",
    DisplayFormat.MULTIPLE_CHOICE: "Multiple choice; none ticked removes the value.",
    DataType.STRING: "Text; empty removes the value.",
    DataType.NUMBER: "Number; empty removes the value.",
    DataType.DATE: "Date; empty removes the value.",
}


def attribute_field_name(definition: AttributeDefinition) -> str:
    return f"{ATTRIBUTE_FIELD_PREFIX}{definition.pk}"


class AttributeValuesField(forms.Field):
    """One attribute's values as the update engine takes them: a list, empty for no value.

    It only reshapes what the widget posts (one choice, several, or text); whether the
    values fit the definition is the engine's check (``validate_attribute_values``), whose
    problems the contact form shows on this field, so the admin obeys the API's rules.
    Free-text attributes holding several values are edited one value per line.
    """

    def __init__(self, *, definition: AttributeDefinition, **kwargs: Any) -> None:
        self.definition = definition
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return value
        texts = [str(item) for item in value]
        if self.definition.display_format == DisplayFormat.MULTIPLE_CHOICE:
            return texts
        if self.definition.display_format == DisplayFormat.SINGLE_CHOICE:
            return texts[0] if texts else ""
        return "\n".join(texts)

    def to_python(self, value: Any) -> list:
        items = value if isinstance(value, (list, tuple)) else str(value or "").splitlines()
        texts = [text.strip() for text in map(str, items) if text.strip()]
        if self.definition.is_choice or self.definition.data_type != DataType.NUMBER:
            # Choices are matched to the defined values (numbers too) by the engine.
            return texts
        return [number_from_text(text) for text in texts]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return list(initial or []) != self.to_python(data)


def number_from_text(text: str) -> int | float | str:
    """A number as a JSON client would send it (42, 1.5); text that is no number is passed
    on for the engine to refuse with its own message."""
    if INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def attribute_form_field(definition: AttributeDefinition, stored: Sequence[object] = ()) -> AttributeValuesField:
    """The field of one attribute on the contact page: a select for single choice, checkboxes
    for multiple choice, else a date, number or text input (a textarea, one value per line,
    when a free-text attribute already holds several values). Stored values that are no
    longer defined stay offered, so that saving the page does not silently drop them."""
    fmt = definition.display_format
    if definition.is_choice:
        choices = [(str(value), str(value)) for value in definition.defined_values]
        offered = {value for value, _ in choices}
        choices += [(str(value), f"{value} (not a defined value)") for value in stored if str(value) not in offered]
        if fmt == DisplayFormat.SINGLE_CHOICE:
            widget: forms.Widget = forms.Select(choices=[("", "—"), *choices])
        else:
            widget = forms.CheckboxSelectMultiple(choices=choices)
        help_text = HELP_TEXTS[fmt]
    elif len(stored) > 1:
        widget = forms.Textarea(attrs={"rows": min(len(stored) + 1, 6), "cols": 40})
        help_text = f"{HELP_TEXTS[definition.data_type]} One value per line."
    else:
        widget_class = FREE_TEXT_WIDGETS[definition.data_type]
        options = {"format": "%Y-%m-%d"} if definition.data_type == DataType.DATE else {}
        widget = widget_class(attrs=dict(WIDGET_ATTRS[definition.data_type]), **options)
        help_text = HELP_TEXTS[definition.data_type]
    return AttributeValuesField(definition=definition, label=definition.name, widget=widget, help_text=help_text)
