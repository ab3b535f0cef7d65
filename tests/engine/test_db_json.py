"""JSON text to and from the database (contacts/db_json.py): fast, and exactly
what the standard library would write and read."""

import datetime
import decimal
import json

import pytest

from contacts.db_json import dumps, loads


@pytest.mark.parametrize(
    "value",
    [
        {"n": 1180591620717411303424, "m": -9223372036854775809},
        [0.30000000000000004, 1e-7, 12, "é", None, True],
        {"nested": {"values": [18446744073709551615, "x"]}},
    ],
)
def test_values_read_back_as_written(value):
    text = dumps(value)

    assert loads(text) == value == json.loads(text)
    assert loads(text.encode()) == value


def test_big_integers_stay_integers():
    loaded = loads(b'{"n": 1180591620717411303424}')

    assert loaded == {"n": 1180591620717411303424} and isinstance(loaded["n"], int)


def test_instants_keep_their_microseconds_and_decimals_their_digits():
    at = datetime.datetime(2026, 11, 29, 19, 47, 21, 123456, tzinfo=datetime.UTC)

    written = json.loads(dumps({"at": at, "day": at.date(), "price": decimal.Decimal("1.10"), 3: "key"}))

    assert written == {"at": "2026-11-29T19:47:21.123456+00:00", "day": "2026-11-29", "price": "1.10", "3": "key"}


def test_a_number_beyond_a_double_reads_as_the_standard_library_reads_it():
    assert loads("[1e400]") == [float("inf")]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '"\\ud800 lone"',
        '"\\u0000"',
        "[1e400, -0, 1.5e-400]",
        '{"n": 12345678901234567890123}',
        '"1234567890123456789012 digits in text"',
        " [true, null] ",
    ],
)
def test_text_reads_as_the_standard_library_reads_it(text):
    expected = json.loads(text)

    assert loads(text) == expected
    assert loads(text.encode()) == expected
    assert type(loads(text)) is type(expected)


def test_constants_and_malformed_text_fail_as_in_the_standard_library():
    def refuse(name):
        raise ValueError(f"{name} is not valid JSON")

    with pytest.raises(ValueError, match="NaN is not valid JSON"):
        loads('{"x": NaN}', parse_constant=refuse)
    assert loads("[Infinity]") == [float("inf")]
    with pytest.raises(json.JSONDecodeError):
        loads("[1, 2,]")
    with pytest.raises(RecursionError):
        loads("[" * 100_000 + "]" * 100_000)
    # Deeper than orjson writes, not deeper than it reads: the standard library decides.
    assert loads("[" * 300 + "]" * 300) == json.loads("[" * 300 + "]" * 300)
    with pytest.raises(RecursionError):
        loads("[" * 1000 + "]" * 1000)
