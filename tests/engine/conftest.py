import pytest

from attributes.models import DataType, DisplayFormat
from paths.models import PathKind
from tests import factories


@pytest.fixture
def nested_org(org):
    """``org`` with 20 groups, topics, free-text attributes and 'other' paths to refer to."""
    for i in range(20):
        factories.make_group(org, f"group{i}")
        factories.make_topic(org, f"topic{i}")
        factories.make_attribute(org, f"attr{i}", data_type=DataType.STRING, display_format=DisplayFormat.FREE_TEXT)
        factories.make_path(org, f"path{i}", kind=PathKind.OTHER)
    return org


@pytest.fixture
def rules_org(org):
    """``org`` with what the rule tables name (tests/engine/rules.py)."""
    from tests.engine.rules import make_definitions

    make_definitions(org)
    return org
