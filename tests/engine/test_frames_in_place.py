"""A kept path's quiet time frames are rewritten in place (paths/services.py ``Paths.write``):
its stored rows take the wanted frames in order, and only a change in their number deletes or
inserts rows. Every case reads the frames back from the database, ids included."""

import itertools

import pytest

from contacts.services import ChangeSet, UpdateMode
from paths.models import ContactPath, QuietTimeFrame, days_from_mask
from tests.engine.builders import apply

NUMBERS = itertools.count()


def frame(name: str, hour: int, days=(1, 7)) -> dict:
    return {"name": name, "days": list(days), "from_hour": hour, "to_hour": 7}


def contact_with(org, *paths: list[dict]) -> int:
    values = {
        "external_id": f"frames-{next(NUMBERS)}",
        "first_name": "Frames",
        "last_name": "Contact",
        "record_type_name": "Employee",
        "timezone_id": "Europe/Paris",
        "paths": [
            {"prompt": f"path{i}", "value": f"value {i}", "quiet_time_frames": frames} for i, frames in enumerate(paths)
        ],
    }
    [result] = apply(org, [ChangeSet(values=values)])
    assert result.ok, result.problems
    return result.contact_id


def set_frames(org, contact_id: int, *paths: list[dict | None]) -> None:
    """PARTIAL: each path ``path<i>`` with these frames (None leaves the path out)."""
    items = [
        {"prompt": f"path{i}", "value": f"value {i}", "quiet_time_frames": frames}
        for i, frames in enumerate(paths)
        if frames is not None
    ]
    [result] = apply(org, [ChangeSet(values={"paths": items}, contact_id=contact_id)], mode=UpdateMode.PARTIAL)
    assert result.ok, result.problems


def stored(contact_id: int, prompt: str = "path0") -> list[tuple]:
    path = ContactPath.objects.get(contact_id=contact_id, definition__prompt=prompt)
    return [
        (f.pk, f.position, f.name, tuple(days_from_mask(f.days)), f.from_hour)
        for f in QuietTimeFrame.objects.filter(path=path).order_by("position", "id")
    ]


@pytest.fixture
def contact_id(nested_org):
    return contact_with(nested_org, [frame("night", 22), frame("weekend", 0, (1, 7))], [frame("late", 23)])


def test_frames_of_the_same_number_keep_their_rows(nested_org, contact_id):
    before = stored(contact_id)
    set_frames(nested_org, contact_id, [frame("evening", 20, (2, 3)), frame("night", 22)], [frame("late", 23)])
    after = stored(contact_id)
    assert [row[0] for row in after] == [row[0] for row in before]
    assert [row[1:] for row in after] == [(0, "evening", (2, 3), 20), (1, "night", (1, 7), 22)]


def test_more_frames_keep_the_rows_there_were_and_add_the_rest(nested_org, contact_id):
    before = stored(contact_id)
    wanted = [frame("a", 1), frame("b", 2), frame("c", 3), frame("d", 4)]
    set_frames(nested_org, contact_id, wanted, [frame("late", 23)])
    after = stored(contact_id)
    assert [row[0] for row in after[:2]] == [row[0] for row in before]
    assert [(row[1], row[2], row[4]) for row in after] == [(0, "a", 1), (1, "b", 2), (2, "c", 3), (3, "d", 4)]


def test_fewer_frames_delete_the_rows_left_over(nested_org, contact_id):
    before = stored(contact_id)
    set_frames(nested_org, contact_id, [frame("only", 5)], [frame("late", 23)])
    assert stored(contact_id) == [(before[0][0], 0, "only", (1, 7), 5)]
    assert not QuietTimeFrame.objects.filter(pk=before[1][0]).exists()


def test_no_frames_delete_them_all(nested_org, contact_id):
    set_frames(nested_org, contact_id, [], [frame("late", 23)])
    assert stored(contact_id) == []
    assert len(stored(contact_id, "path1")) == 1


def test_a_path_that_goes_takes_its_frames_and_the_others_stay(nested_org, contact_id):
    others = stored(contact_id, "path1")
    set_frames(nested_org, contact_id, None, [frame("late", 23)])
    prompts = ContactPath.objects.filter(contact_id=contact_id).values_list("definition__prompt", flat=True)
    assert list(prompts) == ["path1"]
    assert stored(contact_id, "path1") == others
    assert QuietTimeFrame.objects.filter(path__contact_id=contact_id).count() == 1


def test_frames_of_a_batch_are_rewritten_together_and_each_contact_keeps_its_own(nested_org):
    first = contact_with(nested_org, [frame("one", 1)])
    second = contact_with(nested_org, [frame("two", 2), frame("three", 3)])
    ids = {first: stored(first), second: stored(second)}
    items = [
        ChangeSet(values={"paths": [{"prompt": "path0", "value": "v", "quiet_time_frames": frames}]}, contact_id=cid)
        for cid, frames in ((first, [frame("x", 10), frame("y", 11)]), (second, [frame("z", 12)]))
    ]
    assert all(result.ok for result in apply(nested_org, items, mode=UpdateMode.PARTIAL))
    assert [row[2:] for row in stored(first)] == [("x", (1, 7), 10), ("y", (1, 7), 11)]
    assert stored(first)[0][0] == ids[first][0][0]
    assert stored(second) == [(ids[second][0][0], 0, "z", (1, 7), 12)]
