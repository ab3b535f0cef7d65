"""``/rest/contactPaths/{organizationId}[/{id}]``: delivery path definitions."""

from contacts.reference.views import ReferenceViewSet
from paths.models import PathDefinition
from paths.serializers import PathDefinitionSerializer


class PathDefinitionViewSet(ReferenceViewSet):
    model = PathDefinition
    serializer_class = PathDefinitionSerializer
