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
