"""JSON parsing shared by every dialect: malformed input is a 400, never a 500."""

import codecs
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from contacts.db_json import loads
from contacts.services.validation import find_unstorable_text

#: Escapes that may decode to text no database stores: NUL and UTF-16 surrogates.
SUSPICIOUS_ESCAPE = re.compile(r"\\u(?:0000|d[89a-f])", re.IGNORECASE)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONParser(parsers.JSONParser):
    """JSON without the NaN/Infinity extensions, with excessive nesting answered as a parse
    error, and without text no database stores (NUL, lone surrogates): those are refused
    with the location of each, before any view or lookup sees them. (Numbers that overflow
    to infinity are refused by the engine, which can name the field.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if SUSPICIOUS_ESCAPE.search(text):
            problems = [(at, message) for at, message in find_unstorable_text(data) if "finite" not in message]
            if problems:
                raise ValidationError(_nested(problems))
        return data


def _nested(problems: list[tuple[tuple, str]]) -> dict | list:
    """``[(("paths", 0, "value"), msg)]`` → ``{"paths": {"0": {"value": [msg]}}}``, the shape
    DRF errors take, so that each dialect can point at the field. A key that is itself wrong
    and holds wrong keys (``{"a\u0000": {"b\u0000": ..}}``) keeps its own messages under
    ``non_field_errors``, which the envelopes render at the key's own pointer."""
    tree: dict = {}
    for location, message in problems:
        if not location:
            return [message]
        node = tree
        for token in location[:-1]:
            child = node.setdefault(str(token), {})
            if isinstance(child, list):
                child = node[str(token)] = {"non_field_errors": child}
            node = child
        leaf = node.setdefault(str(location[-1]), [])
        (leaf.setdefault("non_field_errors", []) if isinstance(leaf, dict) else leaf).append(message)
    return tree


class JSONPatchParser(StrictJSONParser):
    """``application/json-patch+json``: a JSON array of operations (native PATCH, OPS mode)."""

    media_type = "application/json-patch+json"
