"""The wire shape of a webhook subscription (``/rest/webhooks/{organizationId}``)."""

from rest_framework import serializers

from contacts.api.strict import StrictFieldsMixin, TextField
from contacts.dialects.native import wire
from contacts.models import WebhookSubscription
from contacts.services import EVENT_TYPE_CHOICES
from contacts.webhooks.addresses import AddressRefused, check_url


class WebhookSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The signing secret is not part of it: it is shown once, in the creation's answer."""

    url = serializers.URLField(max_length=2000)
    types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), required=False)
    fields = serializers.ListField(child=serializers.ChoiceField(choices=sorted(wire.TOP_LEVEL)), required=False)
    excludeActors = serializers.ListField(
        source="exclude_actors",
        child=TextField(max_length=200),
        required=False,
        help_text="API key usernames (or user:<name>) whose own changes are not sent to this URL.",
    )
    active = serializers.BooleanField(required=False)
    disabledReason = serializers.CharField(source="disabled_reason", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "types", "fields", "excludeActors", "active", "disabledReason", "createdAt"]

    def validate_url(self, url: str) -> str:
        try:
            check_url(url)
        except AddressRefused as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return url

    def update(self, instance, validated_data):
        if validated_data.get("active") and not instance.active:
            validated_data["disabled_reason"] = ""  # switched on again by hand
        return super().update(instance, validated_data)


class CreatedWebhookSerializer(WebhookSerializer):
    """The creation's answer: the subscription and, this once, its signing secret."""

    secret = serializers.CharField(read_only=True, help_text="whsec_…: verify signatures with it; shown once.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
