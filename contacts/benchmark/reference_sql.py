"""The set-based SQL yardstick (PostgreSQL): the writes of the engine's batch of FULL updates
written by hand as well as SQL gets, which is what the engine is measured against (DESIGN §8).

One statement per table, every row's values travelling as array parameters and joined back
with ``unnest(%s::bigint[], %s::text[], …)``: a batch of 1,000 binds a few dozen parameters
rather than tens of thousands, so neither psycopg nor the server spends its time splitting
and parsing a huge statement. Nested rows are found by (contact, definition) inside the
statements, never fetched to the client. The arrays are built by ``prepare`` before the
clock starts (the history's nested part as one JSON document, which the server parses far
faster than an array of JSON texts); ``run`` sends, in one transaction: lock the contacts (in id order, as the
engine does), take the organization's history lock, write the history rows (the five
scalars' old values read in SQL, the nested kinds' new ones), then the contacts, paths,
quiet time frames, attribute values and group links.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from attributes.models import ContactAttributeValue
from contacts.benchmark.scenario import ACTOR, Scenario, values
from contacts.foundations.sql import table
from contacts.models import Channel, Contact, ContactChange, Mode
from contacts.services.history import HISTORY_LOCK
from paths.models import ContactPath, QuietTimeFrame, mask_from_days
from paths.services import normalize_phone

SCALARS = ("first_name", "last_name", "email", "title", "company_name")
GroupLink = Contact.groups.through


@dataclass(frozen=True)
class Prepared:
    """The batch as arrays, one per column, ready to bind."""

    organization_id: int
    now: datetime
    contacts: list[list]  # id, the five scalars
    nested: str  # the history's nested part of each contact, in contact order (one JSON array)
    paths: list[list]  # contact id, definition id, value
    frames: list[list]  # contact id, definition id, name, days mask, from h/m, to h/m
    attributes: list[list]  # contact id, definition id, values (JSON)
    groups: list[list]  # contact id, group id


def prepare(scenario: Scenario, variant: int) -> Prepared:
    """Every contact of the scenario at ``variant``, as column arrays (untimed)."""
    definitions = {"phone": scenario.phone.pk, "email": scenario.email.pk}
    attributes = {attribute.name: attribute.pk for attribute in scenario.attributes}
    groups = {group.name: group.pk for group in scenario.groups}
    contacts, history, paths, frames, attribute_rows, links = [], [], [], [], [], []
    for n, contact_id in enumerate(scenario.contact_ids):
        payload = values(n, variant)
        for path in payload["paths"]:
            value = normalize_phone(path["value"], "") if path["prompt"] == "phone" else path["value"]
            paths.append((contact_id, definitions[path["prompt"]], value))
            frame = path["quiet_time_frames"][0]
            days = mask_from_days(frame["days"])
            frames.append((contact_id, definitions[path["prompt"]], frame["name"], days, *_clock(frame)))
        for item in payload["attributes"]:
            attribute_rows.append((contact_id, attributes[item["name"]], json.dumps(item["values"])))
        links.extend((contact_id, groups[name]) for name in payload["group_names"])
        nested = {name: {"after": payload[name]} for name in ("paths", "attributes", "group_names")}
        history.append(nested)
        contacts.append((contact_id, *(payload[name] for name in SCALARS)))
    return Prepared(
        organization_id=scenario.organization.pk,
        now=timezone.now(),
        contacts=_columns(contacts, 1 + len(SCALARS)),
        nested=json.dumps(history),
        paths=_columns(paths, 3),
        frames=_columns(frames, 8),
        attributes=_columns(attribute_rows, 3),
        groups=_columns(links, 2),
    )


def _clock(frame: dict) -> tuple[int, int, int, int]:
    return frame["from_hour"], frame["from_min"], frame["to_hour"], frame["to_min"]


def _columns(rows: list[tuple], width: int) -> list[list]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


CONTACT_ROWS = "unnest(%s::bigint[], " + ", ".join(["%s::text[]"] * len(SCALARS)) + ")"
BEFORE_AND_AFTER = ", ".join(f"'{name}', jsonb_build_object('before', c.{name}, 'after', v.{name})" for name in SCALARS)


def statements(prepared: Prepared) -> list[tuple[str, list]]:
    """The batch's statements with their parameters, in the order they are sent."""
    return [*_contact_statements(prepared), *_nested_statements(prepared)]


def _contact_statements(prepared: Prepared) -> list[tuple[str, list]]:
    """Lock, history (before the contacts change: it reads their old values), contacts."""
    org = prepared.organization_id
    contacts = table(Contact)
    columns = ", ".join(SCALARS)
    assignments = ", ".join(f"{name} = v.{name}" for name in SCALARS)
    return [
        (
            f"SELECT id FROM {contacts} WHERE organization_id = %s AND id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE",
            [org, prepared.contacts[0]],
        ),
        ("SELECT pg_advisory_xact_lock(%s, %s)", [HISTORY_LOCK, org]),
        (
            f"INSERT INTO {table(ContactChange)} (contact_id, contact_id_value, contact_uid, contact_external_id, "
            "version, idempotency_key, organization_id, at, actor, channel, mode, changes) "
            "SELECT c.id, c.id, c.uid, c.external_id, c.version + 1, '', c.organization_id, %s, %s, %s, %s, "
            f"j.nested || jsonb_build_object({BEFORE_AND_AFTER}) FROM {contacts} c "
            f"JOIN {CONTACT_ROWS} WITH ORDINALITY AS v(id, {columns}, n) ON c.id = v.id "
            "JOIN jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j(nested, n) ON j.n = v.n "
            "WHERE c.organization_id = %s",
            [
                prepared.now,
                ACTOR.label,
                Channel.IMPORT.value,
                Mode.FULL.value,
                *prepared.contacts,
                prepared.nested,
                org,
            ],
        ),
        (
            f"UPDATE {contacts} AS c SET {assignments}, version = c.version + 1, updated_at = %s "
            f"FROM {CONTACT_ROWS} AS v(id, {columns}) WHERE c.id = v.id AND c.organization_id = %s",
            [prepared.now, *prepared.contacts, org],
        ),
    ]


def _nested_statements(prepared: Prepared) -> list[tuple[str, list]]:
    """Paths, their quiet time frames, attribute values and group links, each row found by
    its contact and definition."""
    paths, frames, links = table(ContactPath), table(QuietTimeFrame), table(GroupLink)
    return [
        (
            f"UPDATE {paths} AS p SET value = v.value FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
            "AS v(contact_id, definition_id, value) WHERE p.contact_id = v.contact_id "
            "AND p.definition_id = v.definition_id",
            prepared.paths,
        ),
        (
            f"DELETE FROM {frames} AS f USING {paths} AS p WHERE f.path_id = p.id AND p.contact_id = ANY(%s::bigint[])",
            [prepared.contacts[0]],
        ),
        (
            f"INSERT INTO {frames} (path_id, position, name, days, from_hour, from_min, to_hour, to_min) "
            "SELECT p.id, 0, v.name, v.days, v.from_hour, v.from_min, v.to_hour, v.to_min "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::smallint[], %s::smallint[], %s::smallint[], "
            "%s::smallint[], %s::smallint[]) AS v(contact_id, definition_id, name, days, from_hour, from_min, "
            f"to_hour, to_min) JOIN {paths} AS p ON p.contact_id = v.contact_id AND p.definition_id = v.definition_id",
            prepared.frames,
        ),
        (
            f'UPDATE {table(ContactAttributeValue)} AS a SET "values" = v.vals::jsonb '
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(contact_id, definition_id, vals) "
            "WHERE a.contact_id = v.contact_id AND a.definition_id = v.definition_id",
            prepared.attributes,
        ),
        (
            f"INSERT INTO {links} (contact_id, group_id) SELECT * FROM unnest(%s::bigint[], %s::bigint[]) "
            "ON CONFLICT DO NOTHING",
            prepared.groups,
        ),
    ]


def run(prepared: Prepared) -> None:
    """Send the batch in one transaction; fails unless every contact was updated."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements(prepared):
            cursor.execute(sql, params)
            if sql.startswith(f"UPDATE {table(Contact)}") and cursor.rowcount != len(prepared.contacts[0]):
                raise RuntimeError(
                    f"the SQL reference updated {cursor.rowcount} contacts, not {len(prepared.contacts[0])}"
                )
