"""What both legacy transports (REST and XML-RPC) do: authenticate, read, update."""

from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions

from contacts.auth.authentication import BasicKeyAuthentication, BearerKeyAuthentication, HeaderKeyAuthentication
from contacts.auth.principal import ApiKeyUser
from contacts.auth.throttling import seconds_to_wait
from contacts.dialects.legacy.wire import (
    LegacyError,
    first_problem,
    parse_contact_id,
    parse_properties,
    render_contact,
    unix_time,
)
from contacts.documents import read_contact
from contacts.selectors import contact_history_entries, contacts_for_read
from contacts.services import Actor, Channel, UpdateMode, UpdateRejected, apply_update

AUTHENTICATORS = (BasicKeyAuthentication(), HeaderKeyAuthentication(), BearerKeyAuthentication())


def authenticate(request: HttpRequest, scope: str) -> Any:
    """The API key of a call: Basic ``username:key`` (also in the URL), X-API-Key or Bearer."""
    for authenticator in AUTHENTICATORS:
        try:
            found = authenticator.authenticate(request)
        except exceptions.AuthenticationFailed as error:
            raise LegacyError(401, "UNAUTHORIZED", str(error.detail)) from error
        if found is not None:
            api_key = found[1]
            break
    else:
        raise LegacyError(401, "UNAUTHORIZED", "Credentials required: HTTP Basic with your username and API key.")
    request.user = ApiKeyUser(api_key)  # who called, for the request's log line
    if not api_key.has_scope(scope):
        raise LegacyError(403, "FORBIDDEN", f"This API key lacks the scope {scope}.")
    wait = seconds_to_wait(api_key)
    if wait is not None:
        message = f"Request was throttled. Expected available in {wait} seconds."
        raise LegacyError(429, "THROTTLED", message, retry_after=wait)
    return api_key


def get_contact(organization: Any, raw_id: object) -> dict[str, Any]:
    contact = read_contact(organization, parse_contact_id(raw_id))
    if contact is None:
        raise LegacyError(404, "NOT_FOUND", "Contact not found.")
    return render_contact(contact)


def update_contact(*, organization: Any, raw_id: object, properties: object, actor: Actor, channel: Channel) -> int:
    """PARTIAL update of the properties given; answers the contact id."""
    if not isinstance(properties, dict):
        raise LegacyError(400, "INVALID_REQUEST", "Properties must be a struct of property names and values.")
    translation = parse_properties(properties, contact_id=parse_contact_id(raw_id))
    try:
        result = apply_update(
            organization=organization, item=translation.changeset, mode=UpdateMode.PARTIAL, actor=actor, channel=channel
        )
    except UpdateRejected as rejected:
        raise first_problem(rejected.problems, translation) from rejected
    return result.contact_id


def get_history(organization: Any, raw_id: object) -> list[dict[str, Any]]:
    """The contact's history, newest first; ``at`` in unix time like the other dates."""
    contact_id = parse_contact_id(raw_id)
    if not contacts_for_read(organization).filter(pk=contact_id).exists():
        raise LegacyError(404, "NOT_FOUND", "Contact not found.")
    return [{**entry, "at": unix_time(entry["at"])} for entry in contact_history_entries(organization, contact_id)]
