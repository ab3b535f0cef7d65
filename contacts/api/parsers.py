"""JSON parsing shared by every dialect: malformed input is a 400, never a 500."""

import codecs
import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONParser(parsers.JSONParser):
    """JSON without the NaN/Infinity extensions, and with excessive nesting answered as a
    parse error. (Numbers that overflow to infinity are refused by the engine, which can
    name the field.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            decoded = codecs.getreader(encoding)(stream)
            return json.load(decoded, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise ParseError(f"JSON parse error - {error}") from error


class JSONPatchParser(StrictJSONParser):
    """``application/json-patch+json``: a JSON array of operations (native PATCH, OPS mode)."""

    media_type = "application/json-patch+json"
