"""Legacy dialect tests (seed 004): REST ``/api/2.0/contacts/{id}`` and XML-RPC."""

import pytest

pytest.register_assert_rewrite("tests.dialects.legacy.helpers")
