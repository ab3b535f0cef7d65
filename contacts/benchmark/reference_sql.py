"""The set-based SQL yardstick (PostgreSQL): the same writes as the engine's batch, written
by hand, one statement per table — what the engine is measured against (DESIGN §8)."""

import json

from django.db import connection, transaction
from django.utils import timezone

from contacts.benchmark.scenario import Scenario, values
from paths.models import mask_from_days
from paths.services import normalize_phone


def _values_sql(rows: list[tuple], casts: tuple[str, ...]) -> tuple[str, list]:
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    return ", ".join([row] * len(rows)), [value for item in rows for value in item]


@transaction.atomic
def run(scenario: Scenario, variant: int) -> None:
    now = timezone.now()
    ids = scenario.contact_ids
    payloads = {contact_id: values(n, variant) for n, contact_id in enumerate(ids)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, contact_id, definition_id FROM paths_contactpath WHERE contact_id = ANY(%s) FOR UPDATE", [ids]
        )
        path_rows = {(contact_id, definition_id): row_id for row_id, contact_id, definition_id in cursor.fetchall()}
        cursor.execute(
            "SELECT id, contact_id, definition_id FROM attributes_contactattributevalue WHERE contact_id = ANY(%s)",
            [ids],
        )
        attribute_rows = {(c, d): row_id for row_id, c, d in cursor.fetchall()}

        rows = [
            (i, p["first_name"], p["last_name"], p["email"], p["title"], p["company_name"]) for i, p in payloads.items()
        ]
        sql, params = _values_sql(rows, ("bigint", "text", "text", "text", "text", "text"))
        cursor.execute(
            "UPDATE contacts_contact AS c SET first_name = v.f, last_name = v.l, email = v.e, title = v.t, "
            "company_name = v.co, version = c.version + 1, updated_at = %s "
            f"FROM (VALUES {sql}) AS v(id, f, l, e, t, co) WHERE c.id = v.id",
            [now, *params],
        )

        definitions = {"phone": scenario.phone.pk, "email": scenario.email.pk}
        path_values, frames = [], []
        for contact_id, payload in payloads.items():
            for path in payload["paths"]:
                row_id = path_rows[(contact_id, definitions[path["prompt"]])]
                value = normalize_phone(path["value"], "") if path["prompt"] == "phone" else path["value"]
                path_values.append((row_id, value))
                frame = path["quiet_time_frames"][0]
                frames.append(
                    (
                        row_id,
                        0,
                        frame["name"],
                        mask_from_days(frame["days"]),
                        frame["from_hour"],
                        frame["from_min"],
                        frame["to_hour"],
                        frame["to_min"],
                    )
                )
        sql, params = _values_sql(path_values, ("bigint", "text"))
        cursor.execute(
            f"UPDATE paths_contactpath AS p SET value = v.value FROM (VALUES {sql}) AS v(id, value) WHERE p.id = v.id",
            params,
        )
        cursor.execute("DELETE FROM paths_quiettimeframe WHERE path_id = ANY(%s)", [[row[0] for row in path_values]])
        sql, params = _values_sql(
            frames, ("bigint", "smallint", "text", "smallint", "smallint", "smallint", "smallint", "smallint")
        )
        cursor.execute(
            "INSERT INTO paths_quiettimeframe (path_id, position, name, days, from_hour, from_min, to_hour, to_min) "
            f"VALUES {sql}",
            params,
        )

        by_name = {attribute.name: attribute.pk for attribute in scenario.attributes}
        attribute_values = [
            (attribute_rows[(contact_id, by_name[item["name"]])], json.dumps(item["values"]))
            for contact_id, payload in payloads.items()
            for item in payload["attributes"]
        ]
        sql, params = _values_sql(attribute_values, ("bigint", "jsonb"))
        cursor.execute(
            f'UPDATE attributes_contactattributevalue AS a SET "values" = v.vals FROM (VALUES {sql}) AS v(id, vals) '
            "WHERE a.id = v.id",
            params,
        )

        groups = {group.name: group.pk for group in scenario.groups}
        links = [
            (contact_id, groups[name]) for contact_id, payload in payloads.items() for name in payload["group_names"]
        ]
        sql, params = _values_sql(links, ("bigint", "bigint"))
        cursor.execute(
            f"INSERT INTO contacts_contact_groups (contact_id, group_id) VALUES {sql} ON CONFLICT DO NOTHING", params
        )

        history = [
            (
                contact_id,
                contact_id,
                scenario.organization.pk,
                now,
                "benchmark",
                "import",
                "full",
                json.dumps({"first_name": {"before": None, "after": payload["first_name"]}}),
            )
            for contact_id, payload in payloads.items()
        ]
        sql, params = _values_sql(
            history, ("bigint", "bigint", "bigint", "timestamptz", "text", "text", "text", "jsonb")
        )
        cursor.execute(
            "INSERT INTO contacts_contactchange "
            "(contact_id, contact_id_value, organization_id, at, actor, channel, mode, changes) "
            f"VALUES {sql}",
            params,
        )
