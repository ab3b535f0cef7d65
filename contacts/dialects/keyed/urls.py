"""Routes of the keyed dialect (DESIGN §5)."""

from contacts.api.routes import route
from contacts.dialects.keyed import views

urlpatterns = [
    route(r"api/v2/contact", views.KeyedContactView.as_view(), "keyed-contact"),
    route(r"api/v2/contact/(?P<contact_id>[^/]+)/history", views.KeyedContactHistoryView.as_view(), "keyed-history"),
    route(r"api/v2/field", views.FieldListView.as_view(), "keyed-fields"),
    route(r"api/v2/field/(?P<field_id>[^/]+)/choice", views.FieldChoiceView.as_view(), "keyed-field-choices"),
]
