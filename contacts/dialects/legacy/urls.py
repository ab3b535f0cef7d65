"""Routes of the legacy dialect (DESIGN §5)."""

from contacts.api.routes import route
from contacts.dialects.legacy import views, xmlrpc

urlpatterns = [
    route(r"api/2.0/contacts/(?P<contact_id>[^/]+)", views.LegacyContactView.as_view(), "legacy-contact"),
    route(
        r"api/2.0/contacts/(?P<contact_id>[^/]+)/history",
        views.LegacyContactHistoryView.as_view(),
        "legacy-contact-history",
    ),
    route(r"api/2.0/xmlrpc", xmlrpc.view, "legacy-xmlrpc"),
]
