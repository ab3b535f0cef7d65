"""Routes of the external dialect (DESIGN §5)."""

from contacts.api.routes import route
from contacts.dialects.external import views

urlpatterns = [
    route(r"external/v1/contacts/(?P<uid>[^/]+)", views.ExternalContactView.as_view(), "external-contact"),
    route(
        r"external/v1/contacts/(?P<uid>[^/]+)/history",
        views.ExternalContactHistoryView.as_view(),
        "external-contact-history",
    ),
]
