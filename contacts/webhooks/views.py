"""``/rest/webhooks/{organizationId}[/{id}]``: webhook subscriptions (``settings:write``;
reading them needs a settings scope)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.auth.keys import encrypt_key
from contacts.models import Scope, WebhookSubscription
from contacts.reference.views import ReferenceViewSet
from contacts.webhooks.delivery import current_position, new_secret
from contacts.webhooks.serializers import CreatedWebhookSerializer, WebhookSerializer


class WebhookViewSet(ReferenceViewSet):
    model = WebhookSubscription
    serializer_class = WebhookSerializer
    read_scopes = (Scope.SETTINGS_READ, Scope.SETTINGS_WRITE)

    @extend_schema(responses={201: CreatedWebhookSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Answers the subscription and, this once, its signing ``secret``."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        secret = new_secret()
        serializer.save(
            organization=self.organization,
            secret_encrypted=encrypt_key(secret),
            last_change_id=current_position(self.organization.pk),
        )
        return Response({**serializer.data, "secret": secret}, status=status.HTTP_201_CREATED)
