"""CRUD of reference data under ``/rest/<kind>/{organizationId}[/{id}]``.

Reads need ``settings:read`` or ``contacts:read``; writes need ``settings:write``.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound

from contacts.api.access import OrganizationScopedMixin
from contacts.api.errors import NativeError
from contacts.ids import parse_id
from contacts.models import Group, RecordType, Scope, Source, Topic
from contacts.reference.serializers import (
    GroupSerializer,
    RecordTypeSerializer,
    SourceSerializer,
    TopicSerializer,
)


class ReferenceViewSet(OrganizationScopedMixin, viewsets.ModelViewSet):
    """Base for one kind of organization-owned reference data."""

    model: type
    read_scopes = (Scope.SETTINGS_READ, Scope.CONTACTS_READ)
    write_scopes = (Scope.SETTINGS_WRITE,)
    lookup_url_kwarg = "pk"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no organization
            return self.model.objects.none()
        return self.model.objects.filter(organization=self.organization).order_by("id")

    def get_object(self):
        # Non-numeric or out-of-range ids are simply unknown (404), never a database error.
        if parse_id(self.kwargs[self.lookup_url_kwarg]) is None:
            raise NotFound(f"{self.model._meta.verbose_name.capitalize()} not found.")
        return super().get_object()

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "organization": self.organization}

    def perform_create(self, serializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer) -> None:
        self._save(serializer)

    def _save(self, serializer) -> None:
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as error:
            # A concurrent writer took the name first; the database constraint decided.
            raise NativeError(
                status_code=status.HTTP_409_CONFLICT, code="CONFLICT", message="Conflicts with existing data."
            ) from error

    def perform_destroy(self, instance) -> None:
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as error:
            raise NativeError(
                status_code=status.HTTP_409_CONFLICT,
                code="CONFLICT",
                message=f"This {self.model._meta.verbose_name} is still used by contacts.",
            ) from error


class RecordTypeViewSet(ReferenceViewSet):
    model = RecordType
    serializer_class = RecordTypeSerializer


class GroupViewSet(ReferenceViewSet):
    model = Group
    serializer_class = GroupSerializer


class TopicViewSet(ReferenceViewSet):
    model = Topic
    serializer_class = TopicSerializer


class SourceViewSet(ReferenceViewSet):
    model = Source
    serializer_class = SourceSerializer
