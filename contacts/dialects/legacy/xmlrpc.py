"""Legacy XML-RPC at ``/api/2.0/xmlrpc`` (django-modern-rpc): ``contacts.UpdateContact``,
``contacts.GetContact`` and the ``system.*`` introspection methods.

Each procedure authenticates from the request's Basic header (or ``user:key@`` in the URL)
and turns every refusal into a fault whose code is the HTTP status it stands for.
"""

from typing import Any

from modernrpc.constants import Protocol
from modernrpc.core import RpcRequestContext
from modernrpc.exceptions import RPCException
from modernrpc.server import RpcNamespace, RpcServer

from contacts.auth import Scope
from contacts.auth.keys import mark_used
from contacts.auth.principal import actor_for_key
from contacts.dialects.legacy.operations import authenticate, get_contact, update_contact
from contacts.dialects.legacy.wire import LegacyError
from contacts.services import Channel

contacts_namespace = RpcNamespace()


def as_fault(error: LegacyError) -> RPCException:
    prefix = f"{error.prop}: " if error.prop and not error.message.startswith(error.prop) else ""
    return RPCException(error.status, f"{prefix}{error.message}")


@contacts_namespace.register_procedure(name="UpdateContact", context_target="context")
def update(id: Any, properties: Any, context: RpcRequestContext) -> int:
    """Update the contact ``id`` with the given properties; returns its id."""
    try:
        api_key = authenticate(context.request, Scope.CONTACTS_WRITE)
        mark_used(api_key)
        return update_contact(
            organization=api_key.organization,
            raw_id=id,
            properties=properties,
            actor=actor_for_key(api_key),
            channel=Channel.XMLRPC,
        )
    except LegacyError as error:
        raise as_fault(error) from error


@contacts_namespace.register_procedure(name="GetContact", context_target="context")
def get(id: Any, context: RpcRequestContext) -> dict[str, Any]:
    """The properties of the contact ``id``."""
    try:
        api_key = authenticate(context.request, Scope.CONTACTS_READ)
        return get_contact(api_key.organization, id)
    except LegacyError as error:
        raise as_fault(error) from error


server = RpcServer(supported_protocol=Protocol.XML_RPC)
server.register_namespace(contacts_namespace, "contacts")
