"""The benchmark's PATCHes at concurrency 1 (``contacts.benchmark.http.HttpSingles``), sent
to a live server: each is timed, each changes its contact, and a refusal stops the run."""

import pytest

from contacts.auth.keys import issue_api_key
from contacts.benchmark.http import HttpSingles, Server
from contacts.benchmark.scenario import create_scenario, values
from contacts.models import Contact, Scope


@pytest.fixture
def scenario(transactional_db):
    return create_scenario(3, label="Singles")


@pytest.fixture
def server(live_server) -> Server:
    return Server(live_server.url, workers=1, threads=1, conn_max_age="0")


def secret_of(scenario) -> str:
    return issue_api_key(organization=scenario.organization, scopes=list(Scope.values), username="singles").secret


def test_each_patch_is_timed_and_changes_its_contact(scenario, server):
    singles = HttpSingles(server, scenario, secret_of(scenario), count=2)

    first = singles.run(variant=7)
    second = singles.run(variant=8)

    assert len(first.seconds) == len(second.seconds) == 2 and min(first.seconds + second.seconds) > 0
    # The first run sent contacts 0 and 1, the second 2 and then 0 again (they take turns).
    sent = {0: 8, 1: 7, 2: 8}
    for n, variant in sent.items():
        contact = Contact.objects.get(pk=scenario.contact_ids[n])
        expected = values(n, variant)
        assert (contact.first_name, contact.email, contact.title) == (
            expected["first_name"],
            expected["email"],
            expected["title"],
        )


def test_a_refused_patch_stops_the_run_with_its_answer(scenario, server):
    singles = HttpSingles(server, scenario, "not-a-key", count=1)

    with pytest.raises(RuntimeError, match="PATCH answered 401"):
        singles.run(variant=9)

    assert Contact.objects.get(pk=scenario.contact_ids[0]).first_name == values(0, 0)["first_name"]
