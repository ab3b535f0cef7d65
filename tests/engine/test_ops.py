"""OPS rules, as a table (DESIGN §4): operations on the stored contact, all or none."""

import pytest

from contacts.services import UpdateMode
from contacts.services.ops import APPEND, Operation, Select
from tests.engine.rules import FRAME, Rule, run


def ops(name: str, *operations: Operation, **expectations) -> Rule:
    return Rule(name, operations=operations, **expectations)


RULES = [
    ops(
        "replace a scalar",
        Operation("replace", ("first_name",), "Augusta"),
        expect={"first_name": "Augusta"},
        history={"first_name"},
    ),
    ops(
        "remove a scalar clears it",
        Operation("remove", ("company_name",)),
        expect={"company_name": ""},
        history={"company_name"},
    ),
    ops(
        "remove takes the contact out of a group",
        Operation("remove", ("group_names", Select("value", "group1"))),
        expect={"groups": []},
        history={"groups"},
    ),
    ops(
        "append a group by name",
        Operation("add", ("group_names", APPEND), "group2"),
        expect={"groups": ["group1", "group2"]},
        history={"groups"},
    ),
    ops(
        "remove a path by prompt",
        Operation("remove", ("paths", Select("prompt", "pager"))),
        expect={"paths": []},
        history={"paths"},
    ),
    ops(
        "add a path at a prompt",
        Operation("add", ("paths", Select("prompt", "desk")), {"value": "d1"}),
        expect={"paths": [("pager", "p1", ["night"]), ("desk", "d1", [])]},
        history={"paths"},
    ),
    ops(
        "replace a frame by name",
        Operation(
            "replace",
            ("paths", Select("prompt", "pager"), "quiet_time_frames", Select("name", "night")),
            {**FRAME, "name": "late"},
        ),
        expect={"paths": [("pager", "p1", ["late"])]},
        history={"paths"},
    ),
    ops(
        "replace an attribute's values by name",
        Operation("replace", ("attributes", Select("name", "size"), "values"), ["L"]),
        expect={"attributes": [("colour", ["red"]), ("size", ["L"])]},
        history={"attributes"},
    ),
    ops(
        "remove an address by location name",
        Operation("remove", ("addresses", Select("location_name", "Home"))),
        expect={"addresses": []},
        history={"addresses"},
    ),
    ops(
        "operations that end where they began change nothing",
        Operation("replace", ("first_name",), "X"),
        Operation("replace", ("first_name",), "Ada"),
        history=None,
    ),
    ops(
        "an unknown element is refused",
        Operation("remove", ("paths", Select("prompt", "desk"))),
        problems={("operations", 0, "path")},
    ),
    ops(
        "one failing operation applies none",
        Operation("replace", ("first_name",), "Augusta"),
        Operation("replace", ("attributes", Select("name", "ghost")), {}),
        problems={("operations", 1, "path")},
    ),
    ops(
        "the result is validated like PARTIAL", Operation("replace", ("email",), "not-an-email"), problems={("email",)}
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_ops(rules_org, rule):
    run(rules_org, rule, UpdateMode.OPS)
