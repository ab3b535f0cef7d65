"""Native dialect views: thin — they route, call selectors or the engine, and render."""

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.access import OrganizationScopedMixin
from contacts.api.errors import missing_organization_error
from contacts.dialects.native.serializers import ContactOutputSerializer, HistoryEntrySerializer
from contacts.filters import ContactFilter
from contacts.ids import parse_id
from contacts.selectors import contact_history, contacts_for_read


def etag_for(contact) -> str:
    """Strong validator: every applied change bumps the contact's version."""
    return f'"{contact.pk}-{contact.version}"'


class ContactListView(OrganizationScopedMixin, generics.ListAPIView):
    """Contacts of an organization, filtered and paginated."""

    serializer_class = ContactOutputSerializer
    filterset_class = ContactFilter

    def get_queryset(self) -> QuerySet:
        return contacts_for_read(self.organization)


class ContactDetailView(OrganizationScopedMixin, generics.RetrieveAPIView):
    """One whole contact, with an ``ETag``."""

    serializer_class = ContactOutputSerializer

    def get_queryset(self) -> QuerySet:
        return contacts_for_read(self.organization)

    def get_object(self):
        contact_id = parse_id(self.kwargs["contact_id"])
        contact = self.get_queryset().filter(pk=contact_id).first() if contact_id else None
        if contact is None:
            raise NotFound("Contact not found.")
        return contact

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        contact = self.get_object()
        return Response(self.get_serializer(contact).data, headers={"ETag": etag_for(contact)})


class ContactHistoryView(OrganizationScopedMixin, generics.ListAPIView):
    """A contact's change history, newest first."""

    serializer_class = HistoryEntrySerializer

    def get_queryset(self) -> QuerySet:
        contact_id = parse_id(self.kwargs["contact_id"])
        if not contact_id or not contacts_for_read(self.organization).filter(pk=contact_id).exists():
            raise NotFound("Contact not found.")
        return contact_history(self.organization, contact_id)


class MissingOrganizationView(APIView):
    """``/rest/contacts`` without an organization id answers 401 Missing Organization Id."""

    authentication_classes: list = []
    permission_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs) -> None:
        raise missing_organization_error()
