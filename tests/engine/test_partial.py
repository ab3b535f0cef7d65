"""PARTIAL (merge) rules, as a table (DESIGN §4): only the fields present change."""

import pytest

from contacts.services import UpdateMode
from tests.engine.rules import Rule, run

RULES = [
    Rule("nothing sent changes nothing", {}, {"version": 1}, history=None),
    Rule(
        "only present fields change",
        {"first_name": "Augusta"},
        {"first_name": "Augusta", "email": "ada@example.com", "tags": ["t1", "t2"]},
        {"first_name"},
    ),
    Rule("null clears a scalar", {"company_name": None}, {"company_name": ""}, {"company_name"}),
    Rule("an empty string clears a scalar", {"email": ""}, {"email": ""}, {"email"}),
    Rule("a present list replaces the stored one", {"tags": ["t3", "t1"]}, {"tags": ["t3", "t1"]}, {"tags"}),
    Rule("groups are only added", {"group_names": ["group2"]}, {"groups": ["group1", "group2"]}, {"groups"}),
    Rule("the same value is a no-op", {"first_name": "Ada", "group_names": ["group1"]}, history=None),
    Rule(
        "the first address merges field by field",
        {"first_address": {"city": "Paris"}},
        {"addresses": [("Home", "Paris")]},
        {"addresses"},
    ),
    Rule(
        "a merged attribute leaves the others",
        {"attributes_merge": [{"name": "size", "values": ["S"]}]},
        {"attributes": [("colour", ["red"]), ("size", ["S"])]},
        {"attributes"},
    ),
    Rule(
        "a merged attribute without values is removed",
        {"attributes_merge": [{"name": "colour", "values": []}]},
        {"attributes": [("size", ["M"])]},
        {"attributes"},
    ),
    Rule(
        "a merged path keeps its quiet time frames and the other paths",
        {"paths_merge": [{"prompt": "pager", "value": "p2"}, {"prompt": "desk", "value": "d1"}]},
        {"paths": [("pager", "p2", ["night"]), ("desk", "d1", [])]},
        {"paths"},
    ),
    Rule("a merged path equal to the stored one is a no-op", {"paths_merge": [{"prompt": "pager", "value": "p1"}]}),
    Rule(
        "a merged path without a value is removed",
        {"paths_merge": [{"prompt": "pager", "value": ""}]},
        {"paths": []},
        {"paths"},
    ),
    Rule(
        "a merged path is validated where it was sent",
        {"paths_merge": [{"prompt": "pager", "value": ""}, {"prompt": "desk", "value": "d", "country_code": "XX"}]},
        problems={("paths_merge", 1, "country_code")},
    ),
    Rule(
        "a merged path must name a known path",
        {"paths_merge": [{"prompt": "fax", "value": "1"}]},
        problems={("paths_merge", 0, "prompt")},
    ),
    Rule(
        "the id wins over the name",
        {"record_type_id": 0, "record_type_name": "Employee"},
        problems={("record_type_id",)},
    ),
    Rule("a read-only field echoed as stored is a no-op", {"version": 1}, history=None),
    Rule("a read-only field that differs is refused", {"uid": "cnt_other"}, problems={("uid",)}),
    Rule(
        "a single-choice attribute takes one value",
        {"attributes": [{"name": "size", "values": ["S", "L"]}]},
        problems={("attributes", 0, "values")},
    ),
    Rule(
        "a value outside the choices is refused",
        {"attributes": [{"name": "size", "values": ["XL"]}]},
        problems={("attributes", 0, "values", 0)},
    ),
    Rule(
        "clearing the time zone of a contact with frames is refused", {"timezone_id": ""}, problems={("timezone_id",)}
    ),
    Rule("an invalid email is refused", {"email": "nope"}, problems={("email",)}),
    Rule("an item that is not an object is refused", {"addresses": ["Home"]}, problems={("addresses", 0)}),
    Rule(
        "an unknown key of a nested item is refused",
        {"paths": [{"prompt": "pager", "value": "x", "colour": 1}]},
        problems={("paths", 0, "colour")},
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_partial(rules_org, rule):
    run(rules_org, rule, UpdateMode.PARTIAL)
