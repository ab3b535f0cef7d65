"""The checks the engine runs while PostgreSQL locks and loads a batch (engine._check_ahead):
they only warm caches, so planning finds the answers done and still reports every problem."""

import pytest
from django.db import OperationalError, connection, transaction
from psycopg.pq import TransactionStatus

from contacts.foundations.emails import _valid, is_email
from contacts.foundations.problems import ProblemCode
from contacts.foundations.sql import select
from contacts.models import Contact
from contacts.services import ChangeSet, UpdateMode, engine
from paths.services import _e164, check_ahead
from tests.engine.builders import apply, create_contacts, full_values


def test_the_load_is_running_while_the_checks_run(db):
    seen = []

    def meanwhile():
        seen.append(connection.connection.info.transaction_status)

    rows = select("SELECT 41 + 1", [], meanwhile=meanwhile)

    assert rows == [(42,)]
    if connection.vendor == "postgresql":
        # Sent, and its result not read yet: the database works while Python does.
        assert seen == [TransactionStatus.ACTIVE]
    else:
        assert seen == []  # nothing to overlap with: not run


def test_phone_numbers_and_addresses_are_remembered():
    _e164.cache_clear()
    _valid.cache_clear()

    checked = check_ahead(
        [
            {"value": "+33 6 12 34 56 78"},
            {"value": "06 12 34 56 79", "country_code": "fr"},
            {"value": " someone@example.org "},
            {"value": "+33 1", "skip_validation": True},
        ]
    )

    assert checked == 3  # not the one whose validation is skipped
    assert _e164.cache_info().currsize == 2
    assert _e164("+33612345678", None) == _e164("0612345679", "FR")[:-1] + "8"
    assert _valid.cache_info().currsize == 1 and is_email("someone@example.org")


@pytest.mark.parametrize(
    "raw",
    [None, "paths", [None, 3, "x", {"value": 12}, {"value": "+1"}, {"value": "x" * 300}, {"value": "not@valid"}]],
)
def test_what_is_wrong_or_odd_is_left_to_planning(raw):
    check_ahead(raw)  # raises nothing


def test_planning_still_reports_what_the_checks_found_wrong(nested_org):
    [contact_id] = create_contacts(nested_org, 1, nested=2)
    values = full_values(0, nested=2, variant="b")
    values["email"] = "not an address"
    values.pop("topics", None)

    [result] = apply(nested_org, [ChangeSet(values=values, contact_id=contact_id)])

    assert result.status == "error"
    assert [(problem.location, problem.code) for problem in result.problems] == [
        (("email",), ProblemCode.INVALID_EMAIL)
    ]
    assert Contact.objects.get(pk=contact_id).version == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load overlaps the checks on PostgreSQL only")
def test_a_load_that_fails_while_the_checks_run_raises_as_any_statement_and_leaves_the_connection_usable(db):
    with pytest.raises(OperationalError, match="statement timeout"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
        select("SELECT pg_sleep(1)", [], meanwhile=lambda: None)

    assert select("SELECT 1", []) == [(1,)]


def test_text_too_long_for_an_address_is_refused_and_not_remembered():
    _valid.cache_clear()
    long_text = "a" * 400 + "@example.org"

    assert not is_email(long_text)
    check_ahead([{"value": long_text}])
    assert _valid.cache_info().currsize == 0


def test_a_batch_checks_ahead_no_more_than_the_caches_keep(monkeypatch):
    checked = []
    monkeypatch.setattr(engine, "check_ahead", lambda paths: checked.append(paths) or len(paths))
    paths = [{"value": f"+3361234{n:04d}"} for n in range(100)]

    engine._check_ahead([ChangeSet(values={"paths": paths}) for _ in range(1000)])

    assert len(checked) * 101 >= engine.CHECK_AHEAD_LIMIT > (len(checked) - 1) * 101


def test_only_a_batch_checks_ahead_a_single_change_checks_as_it_plans(nested_org, monkeypatch):
    # The pipeline that overlaps the checks with the load costs a round trip of its own.
    first, second = create_contacts(nested_org, 2, nested=1)
    calls = []
    monkeypatch.setattr(engine, "_check_ahead", lambda items: calls.append(len(items)))

    [alone] = apply(nested_org, [ChangeSet(values={"email": "not an address"}, contact_id=first)], UpdateMode.PARTIAL)
    together = apply(
        nested_org,
        [ChangeSet(values={"title": "A"}, contact_id=first), ChangeSet(values={"title": "B"}, contact_id=second)],
        UpdateMode.PARTIAL,
    )

    # SQLite has no load to overlap: its checks are all planning's.
    assert calls == ([2] if connection.vendor == "postgresql" else [])
    # The single change's address was still checked, by planning.
    assert [(problem.location, problem.code) for problem in alone.problems] == [(("email",), ProblemCode.INVALID_EMAIL)]
    assert [result.status for result in together] == ["updated", "updated"]
