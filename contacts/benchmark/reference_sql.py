"""The set-based SQL yardstick (PostgreSQL): the writes of the engine's batch of FULL updates
written by hand as well as SQL gets, which is what the engine is measured against (DESIGN §8).

One statement per table, every row's values travelling as array parameters and joined back
with ``unnest(%s::bigint[], %s::text[], …)``: a batch of 1,000 binds a few dozen parameters
rather than tens of thousands, so neither psycopg nor the server spends its time splitting
and parsing a huge statement. Nested rows are found by (contact, definition) inside the
statements, never fetched to the client. The arrays are built by ``prepare`` before the
clock starts (the history's new nested values as one JSON document, in the engine's shape,
which the server parses far faster than an array of JSON texts); ``run`` sends, in one
transaction: lock the contacts (in id order, as the engine does), take the organization's
history lock, write the history rows, then the contacts, paths, quiet time frames,
attribute values and group links.

The history rows hold what the engine's hold (DESIGN §3: the before and after of each
changed field): the five scalars' old values and the nested kinds' stored lists (paths with
their frames, attribute values, groups) are read in SQL, from the rows about to change; the
groups after a FULL update are the stored ones and the new ones (FULL only adds groups).
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
    nested: str  # each contact's new nested lists for its history row, in contact order (one JSON array)
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
        new_paths = []
        for path in payload["paths"]:
            definition = definitions[path["prompt"]]
            value = normalize_phone(path["value"], "") if path["prompt"] == "phone" else path["value"]
            paths.append((contact_id, definition, value))
            frame = path["quiet_time_frames"][0]
            days = mask_from_days(frame["days"])
            frames.append((contact_id, definition, frame["name"], days, *_clock(frame)))
            new_paths.append(_history_path(definition, value, path["quiet_time_frames"]))
        for item in payload["attributes"]:
            attribute_rows.append((contact_id, attributes[item["name"]], json.dumps(item["values"])))
        links.extend((contact_id, groups[name]) for name in payload["group_names"])
        history.append(
            {
                "paths": new_paths,
                "attributes": [
                    {"values": item["values"], "org_attr_id": attributes[item["name"]]}
                    for item in payload["attributes"]
                ],
                "groups": [groups[name] for name in payload["group_names"]],
            }
        )
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


def _history_path(definition: int, value: str, frames: list[dict]) -> dict:
    """A new path as the engine's history rows write it."""
    return {
        "value": value,
        "path_id": definition,
        "country_code": "",
        "skip_validation": False,
        "quiet_time_frames": [{**frame, "days": sorted(set(frame["days"]))} for frame in frames],
    }


def _clock(frame: dict) -> tuple[int, int, int, int]:
    return frame["from_hour"], frame["from_min"], frame["to_hour"], frame["to_min"]


def _columns(rows: list[tuple], width: int) -> list[list]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


CONTACT_ROWS = "unnest(%s::bigint[], " + ", ".join(["%s::text[]"] * len(SCALARS)) + ")"
BEFORE_AND_AFTER = ", ".join(f"'{name}', jsonb_build_object('before', c.{name}, 'after', v.{name})" for name in SCALARS)


#: The day numbers of each 7-bit mask, as one JSON array indexed by the mask.
DAYS_OF_MASK = json.dumps([[day for day in range(1, 8) if mask & (1 << (day - 1))] for mask in range(128)])


def _stored_lists() -> str:
    """Joins that read each contact's stored nested lists once, in the history's shape:
    ``sp.paths`` (with their frames), ``sa.attributes``, ``sg.before`` and ``sg.after`` (the
    stored groups, then with the new ones added: FULL only adds groups)."""
    paths, frames = table(ContactPath), table(QuietTimeFrame)
    attributes, links = table(ContactAttributeValue), table(GroupLink)
    frame = (
        f"jsonb_build_object('name', f.name, 'days', '{DAYS_OF_MASK}'::jsonb -> f.days, 'from_hour', f.from_hour, "
        "'from_min', f.from_min, 'to_hour', f.to_hour, 'to_min', f.to_min)"
    )
    return (
        "CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(jsonb_build_object('value', p.value, 'path_id', "
        "p.definition_id, 'country_code', p.country_code, 'skip_validation', p.skip_validation, "
        f"'quiet_time_frames', (SELECT coalesce(jsonb_agg({frame} ORDER BY f.position, f.id), '[]') "
        f"FROM {frames} AS f WHERE f.path_id = p.id)) ORDER BY p.position, p.id), '[]') "
        f"FROM {paths} AS p WHERE p.contact_id = c.id) AS sp(paths) "
        "CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(jsonb_build_object('values', a.\"values\", 'org_attr_id', "
        f"a.definition_id) ORDER BY a.position, a.id), '[]') FROM {attributes} AS a WHERE a.contact_id = c.id) "
        "AS sa(attributes) "
        "CROSS JOIN LATERAL (SELECT coalesce(jsonb_agg(x ORDER BY x) FILTER (WHERE stored), '[]'), "
        "jsonb_agg(DISTINCT x) FROM (SELECT g.group_id, true FROM "
        f"{links} AS g WHERE g.contact_id = c.id UNION ALL SELECT jsonb_array_elements_text(j.nested -> 'groups')"
        "::bigint, false) AS listed(x, stored)) AS sg(before, after)"
    )


#: The end of the ``changes`` object: the nested kinds (the groups only when the new ones
#: add one; the other fields change on every run).
NESTED_CHANGES = (
    "'paths', jsonb_build_object('before', sp.paths, 'after', j.nested -> 'paths'), "
    "'attributes', jsonb_build_object('before', sa.attributes, 'after', j.nested -> 'attributes')) "
    "|| CASE WHEN sg.before = sg.after THEN '{}'::jsonb "
    "ELSE jsonb_build_object('groups', jsonb_build_object('before', sg.before, 'after', sg.after)) END"
)


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
        ("SELECT pg_advisory_xact_lock_shared(%s, %s)", [HISTORY_LOCK, org]),
        (
            f"INSERT INTO {table(ContactChange)} (contact_id, contact_id_value, contact_uid, contact_external_id, "
            "version, idempotency_key, organization_id, at, actor, channel, mode, changes) "
            "SELECT c.id, c.id, c.uid, c.external_id, c.version + 1, '', c.organization_id, %s, %s, %s, %s, "
            f"jsonb_build_object({BEFORE_AND_AFTER}, {NESTED_CHANGES} FROM {contacts} c "
            f"JOIN {CONTACT_ROWS} WITH ORDINALITY AS v(id, {columns}, n) ON c.id = v.id "
            "JOIN jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j(nested, n) ON j.n = v.n "
            f"{_stored_lists()} "
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
            # Each path holds one frame before and after (the scenario's), rewritten in place.
            f"UPDATE {frames} AS f SET name = v.name, days = v.days, from_hour = v.from_hour, "
            "from_min = v.from_min, to_hour = v.to_hour, to_min = v.to_min "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::smallint[], %s::smallint[], %s::smallint[], "
            "%s::smallint[], %s::smallint[]) AS v(contact_id, definition_id, name, days, from_hour, from_min, "
            f"to_hour, to_min) JOIN {paths} AS p ON p.contact_id = v.contact_id AND p.definition_id = v.definition_id "
            "WHERE f.path_id = p.id",
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
