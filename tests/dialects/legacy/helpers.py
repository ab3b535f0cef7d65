"""The legacy dialect as its clients see it (seed 004): REST with HTTP Basic
``username:apikey`` and XML-RPC URLs with the credentials in them, plus the seed's property
list and the data the tests lay down."""

import requests

from contacts.models import Contact
from tests.dialects.external.helpers import TIMEOUT

#: Every property of seed 004's table, in its order (``lastname``/``last_name`` are only
#: accepted aliases of ``last name``).
SEED_PROPERTIES = (
    "country_id",
    "city_id",
    "name",
    "last name",
    "status",
    "preferred_email_format",
    "title",
    "company_position",
    "company_name",
    "department",
    "industry",
    "address",
    "city",
    "country",
    "state",
    "zip",
    "telephone_office",
    "telephone_home",
    "telephone_fax",
    "date_of_birth",
    "tags",
    "birth_date",
    "gender",
    "marital_status",
    "education_level",
    "hash",
    "unique_id",
    "id",
    "date_create",
    "score",
    "rating",
    "email_status",
    "create_notifications",
    "email_bounce_hard_count",
    "email_bounce_soft_count",
    "block_bounce_count",
    "sms_bounce_hard_count",
    "sms_bounce_soft_count",
    "sms_bounce_consecutive_count",
    "complaints_count",
    "forward_count",
    "invite_count",
    "bounce_unidentified_count",
    "autoresponder_count",
    "email_message_ids",
    "sms_message_ids",
    "email_message_count",
    "sms_message_count",
    "message_reads_inferred",
    "message_reads_unique",
    "message_link_clicks",
    "message_link_clicks_unique",
)
#: Engagement figures set straight in the database (no API writes them), all off their defaults.
ENGAGEMENT = {
    "score": 4.5,
    "rating": 5,
    "email_status": "bouncing",
    "email_bounce_hard_count": 1,
    "email_bounce_soft_count": 2,
    "block_bounce_count": 3,
    "sms_bounce_hard_count": 4,
    "sms_bounce_soft_count": 5,
    "sms_bounce_consecutive_count": 6,
    "complaints_count": 7,
    "forward_count": 8,
    "invite_count": 9,
    "bounce_unidentified_count": 10,
    "autoresponder_count": 11,
    "email_message_ids": [101, 102],
    "sms_message_ids": [201],
    "email_message_count": 12,
    "sms_message_count": 13,
    "message_reads_inferred": 14,
    "message_reads_unique": 15,
    "message_link_clicks": 16,
    "message_link_clicks_unique": 17,
}
#: A contact with every writable field set (native JSON).
RICH = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "title": "Countess",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "phoneHome": "020 7946 0001",
    "fax": "020 7946 0002",
    "preferredEmailFormat": "text",
    "status": "off",
    "companyName": "Analytical Engines",
    "companyPosition": "Programmer",
    "department": "Research",
    "industry": "Computing",
    "birthDate": "1950-12-10",
    "gender": "female",
    "maritalStatus": "married",
    "educationLevel": "Tutored",
    "countryId": 44,
    "cityId": 7,
    "hashKey": "h-001",
    "tags": ["vip", "early"],
    "addresses": [
        {"locationName": "Home", "streetAddress": "1 Main St", "city": "London", "state": "LDN", "postalCode": "N1"},
        {"locationName": "Work", "city": "Cambridge", "country": "UK"},
    ],
}


#: Default of ``LegacyRest``'s ``auth``: the client's own username and key.
OWN_KEY = object()


class LegacyRest:
    """``/api/2.0/contacts/{id}`` as a client sees it: HTTP Basic ``username:apikey``."""

    def __init__(self, base_url: str, issued) -> None:
        self.base = f"{base_url}/api/2.0/contacts"
        self.auth = (issued.api_key.username, issued.secret)

    def url(self, contact_id: object) -> str:
        return f"{self.base}/{contact_id}"

    def get(self, contact_id: object, *, auth: object = OWN_KEY) -> requests.Response:
        """``auth``: another ``(username, key)`` pair, or None to send no credentials."""
        auth = self.auth if auth is OWN_KEY else auth
        return requests.get(self.url(contact_id), auth=auth, timeout=TIMEOUT)

    def put(self, contact_id: object, properties: object, *, auth: object = OWN_KEY) -> requests.Response:
        auth = self.auth if auth is OWN_KEY else auth
        return requests.put(self.url(contact_id), json=properties, auth=auth, timeout=TIMEOUT)

    def properties(self, contact_id: object) -> dict:
        response = self.get(contact_id)
        assert response.status_code == 200, response.text
        return response.json()


def xmlrpc_url(server: str, issued=None, *, username: str | None = None, secret: str | None = None) -> str:
    """``http://username:key@host/api/2.0/xmlrpc`` (ServerProxy then sends HTTP Basic), or
    the bare URL without credentials."""
    if issued is None and username is None:
        return f"{server}/api/2.0/xmlrpc"
    username = username if username is not None else issued.api_key.username
    secret = secret if secret is not None else issued.secret
    return server.replace("http://", f"http://{username}:{secret}@", 1) + "/api/2.0/xmlrpc"


def set_engagement(contact_id: int, **values: object) -> None:
    """Engagement figures are read-only on every API: tests lay them down in the database."""
    Contact.objects.filter(pk=contact_id).update(**values)
