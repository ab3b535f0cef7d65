"""``/rest/contactAttributes/{organizationId}[/{id}]``: attribute definitions."""

from attributes.models import AttributeDefinition
from attributes.serializers import AttributeDefinitionSerializer
from contacts.reference.views import ReferenceViewSet


class AttributeDefinitionViewSet(ReferenceViewSet):
    model = AttributeDefinition
    serializer_class = AttributeDefinitionSerializer
