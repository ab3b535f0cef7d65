"""The benchmark's serializer yardstick does the engine's work too, history included
(DESIGN §8: the ratio compares the same update done two ways)."""

from contacts.benchmark import reference_serializers
from contacts.benchmark.contenders import EngineBatch
from contacts.benchmark.scenario import create_scenario, reset_groups
from tests.performance.outcome import latest_changes, stored


def test_the_serializers_leave_the_contacts_and_history_as_the_engine_does(db):
    by_engine, by_serializers = create_scenario(3), create_scenario(3)
    for scenario in (by_engine, by_serializers):
        reset_groups(scenario)

    EngineBatch(by_engine).run(2)
    reference_serializers.run(
        by_serializers.contact_ids, [reference_serializers.payload(n, 2) for n in range(by_serializers.size)]
    )

    assert stored(by_serializers) == stored(by_engine)
    assert latest_changes(by_serializers) == latest_changes(by_engine)
    assert latest_changes(by_serializers)[0]["groups"] == {"before": ["group0"], "after": ["group0", "group3"]}
