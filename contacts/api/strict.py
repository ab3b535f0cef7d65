"""Request bodies name only fields the endpoint has: an unknown key is a 400 naming it, on
every endpoint, as on the contact endpoints (DESIGN §9), so a misspelt field never passes
silently, and the OpenAPI schema can say ``additionalProperties: false`` truthfully."""

from typing import Any

from rest_framework import serializers


class StrictFieldsMixin:
    """For DRF serializers: refuse keys that are not fields (read-only fields are allowed and
    ignored, as DRF does, so that a GET body may be sent back), and text fields given
    something other than text (DRF would turn ``0`` into ``"0"``)."""

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
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
