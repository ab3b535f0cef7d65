"""Legacy XML-RPC at ``/api/2.0/xmlrpc`` (django-modern-rpc): ``contacts.UpdateContact``,
``contacts.GetContact`` and the ``system.*`` introspection methods.

Each procedure authenticates from the request's Basic header (or ``user:key@`` in the URL)
and turns every refusal into a fault whose code is the HTTP status it stands for.
"""

import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
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
XML_TYPES = ("text/xml", "application/xml")


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
        properties = get_contact(api_key.organization, id)
    except LegacyError as error:
        raise as_fault(error) from error
    # XML-RPC integers are 32-bit: larger ones (a unix time before 1901 or after 2038) go as doubles.
    return {name: float(value) if _beyond_int32(value) else value for name, value in properties.items()}


def _beyond_int32(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31


server = RpcServer(supported_protocol=Protocol.XML_RPC)
server.register_namespace(contacts_namespace, "contacts")


@csrf_exempt
def view(request: HttpRequest) -> HttpResponse:
    """The XML-RPC endpoint. A call the standard library cannot read (say ``<int>abc</int>``)
    is answered with a 400 fault before it reaches the server, never a 500."""
    if request.method == "POST" and request.content_type in XML_TYPES:
        try:
            xmlrpc.client.loads(request.body, use_builtin_types=True)
        except xmlrpc.client.Fault:
            pass
        except (xmlrpc.client.Error, ValueError, TypeError, IndexError, KeyError, ExpatError) as error:
            fault = xmlrpc.client.Fault(400, f"Malformed XML-RPC request: {error}")
            return HttpResponse(xmlrpc.client.dumps(fault, methodresponse=True), content_type="text/xml")
    return server.view(request)
