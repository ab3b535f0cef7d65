"""FULL (replace) rules, as a table (DESIGN §4): the payload is the whole contact."""

import pytest

from contacts.services import UpdateMode
from tests.engine.rules import BASE, FRAME, Rule, run


def full(**changes) -> dict:
    """BASE with some keys replaced; a key set to ``...`` is left out."""
    return {key: value for key, value in {**BASE, **changes}.items() if value is not ...}


RULES = [
    Rule("echoing the stored contact is a no-op", full(), {"version": 1}, history=None),
    Rule("an omitted scalar is cleared", full(email=...), {"email": "", "first_name": "Ada"}, {"email"}),
    Rule(
        "a legacy setting the native contact does not carry is kept",
        full(create_notifications=...),
        {"create_notifications": True, "version": 1},
        history=None,
    ),
    Rule(
        "a legacy setting that is given is set",
        full(create_notifications=False),
        {"create_notifications": False},
        {"create_notifications"},
    ),
    Rule(
        "an omitted list is emptied",
        full(tags=..., addresses=...),
        {"tags": [], "addresses": []},
        {"tags", "addresses"},
    ),
    Rule("a listed list replaces the stored one", full(tags=["t3"]), {"tags": ["t3"]}, {"tags"}),
    Rule("groups are only added", full(group_names=["group2"]), {"groups": ["group1", "group2"]}, {"groups"}),
    Rule("groups left out are kept", full(group_names=...), {"groups": ["group1"]}, history=None),
    Rule(
        "a kept path without frames keeps its frames",
        full(paths=[{"prompt": "pager", "value": "p2"}]),
        {"paths": [("pager", "p2", ["night"])]},
        {"paths"},
    ),
    Rule(
        "an empty frame list removes the frames",
        full(paths=[{"prompt": "pager", "value": "p1", "quiet_time_frames": []}]),
        {"paths": [("pager", "p1", [])]},
        {"paths"},
    ),
    Rule(
        "paths are named by id or prompt and keep their order",
        full(paths=[{"prompt": "desk", "value": "d1"}, {"prompt": "pager", "value": "p1"}]),
        {"paths": [("desk", "d1", []), ("pager", "p1", ["night"])]},
        {"paths"},
    ),
    Rule(
        "an attribute left out is removed",
        full(attributes=[{"name": "size", "values": ["L"]}]),
        {"attributes": [("size", ["L"])]},
        {"attributes"},
    ),
    Rule("the external id may change", full(external_id="002"), {"external_id": "002"}, {"external_id"}),
    Rule(
        "a record type name that is not text is refused",
        full(record_type_id=None, record_type_name={}),
        problems={("record_type_name",)},
    ),
    Rule(
        "required fields are named",
        full(first_name=..., last_name="", record_type_name=...),
        problems={("first_name",), ("last_name",), ("record_type_id",)},
    ),
    Rule(
        "frames need a time zone",
        full(timezone_id=..., paths=[{"prompt": "pager", "value": "p1", "quiet_time_frames": [FRAME]}]),
        problems={("timezone_id",)},
    ),
    Rule(
        "every unknown name is reported at its place",
        full(group_names=["nope"], paths=[{"prompt": "gone", "value": "x"}], attributes=[{"name": "ghost"}]),
        problems={("group_names", 0), ("paths", 0, "prompt"), ("attributes", 0, "name")},
    ),
    Rule("a read-only field that differs is refused", full(version=7), problems={("version",)}),
]


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_full(rules_org, rule):
    run(rules_org, rule, UpdateMode.FULL)
