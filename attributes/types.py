"""One table of typed-value handlers: how each attribute ``data_type`` checks and
normalizes a value. Used for attribute definitions (defined values) and contact values."""

import datetime
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from attributes.models import DataType

STRING_MAX_LENGTH = 255


class InvalidValue(ValueError):
    """A value that does not fit its data type; the message is for humans."""


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue("must be a string")
    if len(value) > STRING_MAX_LENGTH:
        raise InvalidValue(f"must be at most {STRING_MAX_LENGTH} characters")
    return value


def _number(value: object) -> int | float | str:
    if isinstance(value, bool):
        raise InvalidValue("must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue("must be a finite number")
        return value
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation as error:
            raise InvalidValue("must be a number") from error
        if not number.is_finite():
            raise InvalidValue("must be a finite number")
        return value.strip()
    raise InvalidValue("must be a number")


def _date(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue("must be a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError as error:
        raise InvalidValue("must be a date (YYYY-MM-DD)") from error


NORMALIZERS: dict[str, Callable[[object], object]] = {
    DataType.STRING: _string,
    DataType.NUMBER: _number,
    DataType.DATE: _date,
}


def normalize_value(data_type: str, value: object) -> object:
    """The value in its stored form; raises InvalidValue when it does not fit ``data_type``."""
    return NORMALIZERS[data_type](value)
