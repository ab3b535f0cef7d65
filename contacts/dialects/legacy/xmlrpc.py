"""Legacy XML-RPC at ``/api/2.0/xmlrpc`` (django-modern-rpc): ``contacts.UpdateContact``,
``contacts.GetContact`` and the ``system.*`` introspection methods.

Each procedure authenticates from the request's Basic header (or ``user:key@`` in the URL)
and turns every refusal into a fault whose code is the HTTP status it stands for.
"""

import logging
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from modernrpc.constants import Protocol
from modernrpc.core import RpcRequestContext
from modernrpc.exceptions import RPCException
from modernrpc.server import RpcNamespace, RpcServer
from modernrpc.system_procedures import system as library_system
from modernrpc.types import RpcErrorResult
from modernrpc.xmlrpc.handler import XmlRpcRequest

from contacts.auth import Scope
from contacts.auth.keys import mark_used
from contacts.auth.principal import actor_for_key
from contacts.dialects.legacy.operations import authenticate, get_contact, update_contact
from contacts.dialects.legacy.wire import LegacyError, xmlrpc_contact_id, xmlrpc_properties
from contacts.dialects.refusals import RETRY_AFTER_SECONDS
from contacts.services import Channel

logger = logging.getLogger(__name__)

contacts_namespace = RpcNamespace()
XML_TYPES = ("text/xml", "application/xml")
#: Calls one ``system.multicall`` may carry; each contacts call counts against the key's rate.
MULTICALL_LIMIT = 100
UNAVAILABLE = "The service is temporarily unavailable; retry later."


def as_fault(error: LegacyError) -> RPCException:
    prefix = f"{error.prop}: " if error.prop and not error.message.startswith(error.prop) else ""
    return RPCException(error.status, f"{prefix}{error.message}")


def fault_for(exception: BaseException, context: RpcRequestContext) -> None:
    """Every procedure error as a fault of ours (the server's error handler): refusals keep
    their HTTP status as fault code, a database that cannot be reached is 503, anything
    unexpected is a generic 500 fault. Internals are logged, never answered."""
    if isinstance(exception, RPCException):
        return
    if isinstance(exception, LegacyError):
        if exception.retry_after is not None:
            context.request.retry_after = exception.retry_after
        raise as_fault(exception)
    if isinstance(exception, OperationalError | InterfaceError):
        logger.error("XML-RPC call failed: database unavailable", exc_info=exception)
        context.request.retry_after = RETRY_AFTER_SECONDS
        raise RPCException(503, UNAVAILABLE)
    logger.error("XML-RPC call failed", exc_info=exception)
    raise RPCException(500, "Internal error.")


@contacts_namespace.register_procedure(name="UpdateContact", context_target="context")
def update(id: Any, properties: Any, context: RpcRequestContext) -> int:
    """Update the contact ``id`` with the given properties (a struct, or an array of structs
    or ``[name, value]`` pairs); returns its id."""
    api_key = authenticate(context.request, Scope.CONTACTS_WRITE)
    mark_used(api_key)
    return update_contact(
        organization=api_key.organization,
        raw_id=xmlrpc_contact_id(id),
        properties=xmlrpc_properties(properties),
        actor=actor_for_key(api_key),
        channel=Channel.XMLRPC,
    )


@contacts_namespace.register_procedure(name="GetContact", context_target="context")
def get(id: Any, context: RpcRequestContext) -> dict[str, Any]:
    """The properties of the contact ``id``."""
    api_key = authenticate(context.request, Scope.CONTACTS_READ)
    properties = get_contact(api_key.organization, xmlrpc_contact_id(id))
    # XML-RPC integers are 32-bit: larger ones (a unix time before 1901 or after 2038) go as doubles.
    return {name: float(value) if _beyond_int32(value) else value for name, value in properties.items()}


def _beyond_int32(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31


def multicall(calls: Any, context: RpcRequestContext) -> list:
    """``system.multicall``, bounded: at most MULTICALL_LIMIT calls, none of them another
    multicall; each call runs (and is rate-counted) as if it came alone."""
    if not isinstance(calls, list):
        raise RPCException(400, "system.multicall takes an array of calls.")
    if len(calls) > MULTICALL_LIMIT:
        raise RPCException(400, f"system.multicall takes at most {MULTICALL_LIMIT} calls, not {len(calls)}.")
    if not all(isinstance(call, dict) and call.get("methodName") != "system.multicall" for call in calls):
        raise RPCException(400, "Each call is a struct with a methodName other than system.multicall.")
    results = [
        context.handler.process_single_request(XmlRpcRequest(call.get("methodName"), call.get("params") or []), context)
        for call in calls
    ]
    return [
        {"faultCode": result.code, "faultString": result.message}
        if isinstance(result, RpcErrorResult)
        else [result.data]
        for result in results
    ]


#: The library's introspection procedures, with the bounded multicall instead of its own.
system_namespace = RpcNamespace()
for _name, _wrapper in library_system.procedures.items():
    if _name != "multicall":
        system_namespace.register_procedure(
            _wrapper.func_or_coro, name=_name, protocol=_wrapper.protocol, context_target=_wrapper.context_target
        )
system_namespace.register_procedure(multicall, name="multicall", protocol=Protocol.XML_RPC, context_target="context")

server = RpcServer(register_system_procedures=False, supported_protocol=Protocol.XML_RPC, error_handler=fault_for)
server.register_namespace(system_namespace, "system")
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
    response = server.view(request)
    retry_after = getattr(request, "retry_after", None)
    if retry_after is not None:
        # A throttled or unavailable call is a fault in a 200 answer; the header still says when to retry.
        response["Retry-After"] = str(retry_after)
    return response
