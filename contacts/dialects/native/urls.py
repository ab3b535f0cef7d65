"""Routes of the native dialect (DESIGN §5): contacts under ``/rest/contacts/`` and group
membership under ``/rest/groups/{organizationId}/contacts``; the change feed under
``/rest/changes/{organizationId}``."""

from contacts.api.routes import ORG, route
from contacts.dialects.native import feed, views

CONTACT = r"(?P<contact_id>[^/]+)"

urlpatterns = [
    route(r"rest/contacts", views.MissingOrganizationView.as_view(), "contacts-missing-organization"),
    route(rf"rest/contacts/{ORG}", views.ContactListView.as_view(), "contacts-list"),
    route(rf"rest/contacts/{ORG}/batch", views.ContactBatchView.as_view(), "contacts-batch"),
    route(rf"rest/contacts/{ORG}/{CONTACT}", views.ContactDetailView.as_view(), "contacts-detail"),
    route(rf"rest/contacts/{ORG}/{CONTACT}/history", views.ContactHistoryView.as_view(), "contacts-history"),
    route(rf"rest/groups/{ORG}/contacts", views.GroupMembershipView.as_view(), "groups-membership"),
    route(r"rest/changes", views.MissingOrganizationView.as_view(), "changes-missing-organization"),
    route(rf"rest/changes/{ORG}", feed.ChangeFeedView.as_view(), "changes-feed"),
]
