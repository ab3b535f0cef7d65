"""One audit trail for every dialect (DESIGN §4, §5.1): keyed and native changes of the same
contact show in one ``/history``, newest first."""

from tests.dialects.keyed.conftest import assert_reply


def test_keyed_and_native_changes_share_one_history(keyed, native, people, source):
    assert_reply(keyed.put({"key_id": "50", "50": "f-1", "2": "Allmother", "source_id": source.pk}), 200, 0, "OK")
    patched = native.patch(people.frigga, {"title": "Queen"})
    assert patched.status_code == 200, patched.content

    history = native.history(people.frigga)

    assert [(entry["channel"], entry["mode"]) for entry in history] == [
        ("native", "partial"),
        ("keyed", "partial"),
        ("native", "create"),
    ]
    native_entry, keyed_entry, _ = history
    assert native_entry["changes"] == {"title": {"before": "", "after": "Queen"}}
    assert keyed_entry["changes"] == {"lastName": {"before": "Odinsdottir", "after": "Allmother"}}
    assert keyed_entry["sourceId"] == source.pk
    assert native_entry["at"] >= keyed_entry["at"]
    contact = native.get(people.frigga)
    assert (contact["lastName"], contact["title"], contact["version"]) == ("Allmother", "Queen", 3)


def test_a_refused_keyed_update_adds_no_history_entry_between_others(keyed, native, people):
    before = native.snapshot(people.frigga)

    assert_reply(keyed.put({"key_id": "id", "id": people.frigga, "5": "nine"}), 400, 2005)

    native.assert_unchanged(before)
