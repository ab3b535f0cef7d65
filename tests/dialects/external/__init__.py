"""External dialect tests (seed 001), and the live-server helpers the legacy tests share."""

import pytest

# The shared round-trip helpers assert: let pytest explain their failures (this runs before
# any module of the package, ``helpers`` included, is imported).
pytest.register_assert_rewrite("tests.dialects.external.helpers")
