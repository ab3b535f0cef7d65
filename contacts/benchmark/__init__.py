"""The engine benchmark (DESIGN §8): realistic nested contacts, the engine's batch FULL update,
and the two references it is measured against — hand-written set-based SQL and one-by-one
nested DRF serializers. The references write rows directly on purpose: they are yardsticks,
run only by ``manage.py benchmark`` in a throw-away organization."""
