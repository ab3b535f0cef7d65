"""Request bodies name only fields the endpoint has: an unknown key is a 400 naming it, on
every endpoint, as on the contact endpoints (DESIGN §9), so a misspelt field never passes
silently, and the OpenAPI schema can say ``additionalProperties: false`` truthfully."""

from typing import Any

from rest_framework import serializers


class StrictFieldsMixin:
    """For DRF serializers: refuse keys that are not fields (read-only fields are allowed and
    ignored, as DRF does, so that a GET body may be sent back), text fields given something
    other than text (DRF would turn ``0`` into ``"0"``) and, in JSON, boolean fields given
    something other than ``true``/``false`` (DRF would take ``0`` or ``"yes"``; HTML forms
    of the browsable API still send their text)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {str(key): ["Unknown field."] for key in data if key not in self.fields}
            errors.update(
                {
                    key: ["Must be text."]
                    for key, value in data.items()
                    if isinstance(self.fields.get(key), serializers.CharField)
                    and value is not None
                    and not isinstance(value, str)
                }
            )
            if not hasattr(data, "getlist"):  # JSON, not a form
                errors.update(
                    {
                        key: ["Must be true or false."]
                        for key, value in data.items()
                        if isinstance(self.fields.get(key), serializers.BooleanField) and not isinstance(value, bool)
                    }
                )
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """A CharField that takes only text (DRF's turns ``0`` into ``"0"``), for list items,
    which ``StrictFieldsMixin`` does not see."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
