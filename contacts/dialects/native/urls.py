"""Routes of the native dialect (DESIGN §5): contacts under ``/rest/contacts/``."""

from contacts.api.routes import ORG, route
from contacts.dialects.native import views

urlpatterns = [
    route(r"rest/contacts", views.MissingOrganizationView.as_view(), "contacts-missing-organization"),
    route(rf"rest/contacts/{ORG}", views.ContactListView.as_view(), "contacts-list"),
    route(rf"rest/contacts/{ORG}/(?P<contact_id>[^/]+)", views.ContactDetailView.as_view(), "contacts-detail"),
    route(
        rf"rest/contacts/{ORG}/(?P<contact_id>[^/]+)/history",
        views.ContactHistoryView.as_view(),
        "contacts-history",
    ),
]
