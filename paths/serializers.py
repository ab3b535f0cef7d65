"""Input/output shape of path definitions (``/rest/contactPaths/...``)."""

from rest_framework import serializers

from contacts.api.strict import StrictFieldsMixin
from contacts.reference.serializers import ensure_unique_in_organization
from paths.models import PROMPT_MAX_LENGTH, PathDefinition, PathKind


class PathDefinitionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pathId = serializers.IntegerField(source="id", read_only=True)
    prompt = serializers.CharField(max_length=PROMPT_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=PathKind.choices, default=PathKind.OTHER)

    class Meta:
        model = PathDefinition
        fields = ["pathId", "prompt", "kind"]

    def validate_prompt(self, prompt: str) -> str:
        ensure_unique_in_organization(self, f"A path with the prompt {prompt!r} already exists.", prompt=prompt)
        return prompt

    def create(self, validated_data) -> PathDefinition:
        return PathDefinition.objects.create(organization=self.context["organization"], **validated_data)
