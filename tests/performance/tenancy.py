"""Reads SQL statements as the database received them and says which tables each one names
and how it keeps them to one organization (the rule: ``test_tenant_statements``).

Only what the project's statements look like is understood: Django's ORM SQL and the
engine's hand-written set-based SQL (``contacts/foundations/sql.py``), as rendered by
``CaptureQueriesContext`` on SQLite and on PostgreSQL. What it cannot read is reported,
not passed over.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import ForeignKey, Model

from contacts.models import Contact, Organization

PROJECT_APPS = ("contacts", "paths", "attributes")
KEY_COLUMNS = ("contact_id", "path_id", "id")
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
#: PostgreSQL arrays as psycopg renders them: ``= ANY(CAST('{1,2}'::int2[] AS bigint[]))``.
ARRAY = re.compile(r"=\s*ANY\s*\(\s*(?:CAST\s*\(\s*)?'\{([\d,]*)\}'(?:::\w+\[\])?(?:\s+AS\s+\w+\[\]\s*\))?\s*\)", re.I)
E_STRING = re.compile(r"\bE'(?:[^'\\]|''|\\.)*'")
STRING = re.compile(r"'(?:[^']|'')*'")
KEYWORDS = {
    "on", "where", "inner", "left", "right", "outer", "join", "set", "order", "group", "limit", "union", "using",
    "values", "select", "from", "for", "returning", "cross", "and", "or", "as", "natural", "full",
}  # fmt: skip
REF = r'(?:(?P<{0}ref>"\w+"|\b[A-Za-z_]\w*)\s*\.\s*)?"?(?P<{0}col>[A-Za-z_]\w*)"?'
COMPARED_TO_NUMBERS = re.compile(REF.format("") + r"\s*(?:=\s*(?P<one>\d+)\b|IN\s*\(\s*(?P<many>[\d\s,]+)\))", re.I)
COMPARED_TO_VALUES_ROW = re.compile(REF.format("") + r"\s*=\s*v\.column1\b", re.I)
EQUAL_COLUMNS = re.compile(REF.format("a") + r"\s*=\s*" + REF.format("b"))
INSERT = re.compile(r'^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"(\w+)"\s*\(([^)]*)\)(.*)$', re.I | re.S)
UPDATE = re.compile(r'^\s*UPDATE\s+"(\w+)"(?:\s+AS\s+\w+)?\s+SET\s', re.I)
DELETE = re.compile(r'^\s*DELETE\s+FROM\s+"(\w+)"', re.I)


def project_models() -> list[type[Model]]:
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in PROJECT_APPS]


def owner_path(model: type[Model]) -> str | None:
    """The lookup from a model to its organization's id (``path__contact__organization_id``),
    or None when its rows belong to no organization."""
    if model is Organization:
        return "pk"
    fields = {f.name: f for f in model._meta.concrete_fields}
    if "organization" in fields:
        return "organization_id"
    for name, related in fields.items():
        if isinstance(related, ForeignKey) and name in ("contact", "path"):
            parent = owner_path(related.related_model)
            return f"{name}__{parent}" if parent else None
    return None


@dataclass(frozen=True)
class Tables:
    """The project's tables by kind: tenant tables (an ``organization_id`` column), child
    tables (below a contact, reached by ``contact_id`` or ``path_id``), the organizations."""

    tenant: frozenset[str]
    child: frozenset[str]
    organization: str
    models: dict[str, type[Model]]

    @classmethod
    def of_project(cls) -> "Tables":
        models = {model._meta.db_table: model for model in project_models()}
        tenant = {name for name, model in models.items() if owner_path(model) == "organization_id"}
        child = {name for name, model in models.items() if (owner_path(model) or "").endswith("organization_id")}
        return cls(frozenset(tenant), frozenset(child - tenant), Organization._meta.db_table, models)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.models)


@dataclass
class Occurrence:
    table: str
    names: set[str]
    pinned: bool = False
    #: Pinned by its own condition (rules 1 and 2), not only through a join (rule 3).
    pinned_directly: bool = False


@dataclass
class Statement:
    """One statement and its verdict: ``problems`` is empty when every table it names is
    pinned to the organization."""

    sql: str
    problems: list[str] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Rows:
    """The ids of the organization's rows that key lists may name: its contacts, its paths,
    and the rows of each child table (before and after the request)."""

    organization: int
    by_table: dict[str, set[int]]

    def owns(self, table: str, column: str, ids: Iterable[int]) -> bool:
        target = {"contact_id": Contact._meta.db_table, "path_id": "paths_contactpath"}.get(column, table)
        return set(ids) <= self.by_table.get(target, set())


LOCKING = re.compile(
    r'\s+FOR\s+(?:NO\s+KEY\s+|KEY\s+)?(?:UPDATE|SHARE)\b(?:\s+OF\s+"?\w+"?(?:\s*,\s*"?\w+"?)*)?'
    r"(?:\s+(?:NOWAIT|SKIP\s+LOCKED))?",
    re.I,
)
WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE)\b", re.I)
#: ``WITH name AS [MATERIALIZED] (`` — a common table expression opening a statement.
CTE = re.compile(r"^\s*WITH\s+(\w+)\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(", re.I)


def strip_literals(sql: str) -> str:
    """Arrays become ``IN (…)`` lists, every other string literal ``''``; the locking clause
    (``FOR UPDATE OF "table"``) goes: it names a table already named."""
    sql = ARRAY.sub(lambda match: f" IN ({match.group(1)})" if match.group(1) else " IN (-1)", sql)
    return LOCKING.sub("", STRING.sub("''", E_STRING.sub("''", sql)))


def split_top_level(sql: str, separators: re.Pattern) -> list[str]:
    """``sql`` cut at each match of ``separators`` outside parentheses."""
    parts, depth, start = [], 0, 0
    index = 0
    while index < len(sql):
        char = sql[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            match = separators.match(sql, index)
            if match:
                parts.append(sql[start:index])
                start = index = match.end()
                continue
        index += 1
    parts.append(sql[start:])
    return parts


UNION = re.compile(r"\s+UNION(?:\s+ALL)?\s+", re.I)
FROM = re.compile(r"\s+FROM\s+", re.I)


def without_select_list(part: str) -> str:
    """A SELECT from its FROM on (the selected columns name no condition)."""
    if not re.match(r"\s*\(?\s*SELECT\b", part, re.I):
        return part
    pieces = split_top_level(part, FROM)
    return " FROM " + " FROM ".join(pieces[1:]) if len(pieces) > 1 else ""


def occurrences(text: str, tables: Tables) -> list[Occurrence]:
    found = []
    for match in re.finditer(r'"(\w+)"(?!\s*\.)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?', text, re.I):
        name, alias = match.group(1), match.group(2)
        if name not in tables.known:
            continue
        names = {name}
        if alias and alias.lower() not in KEYWORDS:
            names.add(alias)
        found.append(Occurrence(name, names))
    return found


def find_top_level(text: str, pattern: re.Pattern, start: int = 0) -> int:
    """Index of the first match of ``pattern`` outside parentheses, at or after ``start``."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and pattern.match(text, index):
            return index
    return len(text)


def closing_parenthesis(text: str, start: int) -> int:
    """Index of the ``)`` that closes the parenthesis opened just before ``start``."""
    depth = 1
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return len(text)


SUBQUERY = re.compile(r"\(\s*SELECT\b", re.I)


def select_list_subqueries(part: str) -> list[str]:
    """The subqueries directly in a SELECT's column list (a whole contact is read with each
    relation as a correlated subquery there); subqueries inside those are theirs."""
    if not re.match(r"\s*\(?\s*SELECT\b", part, re.I):
        return []
    columns = split_top_level(part, FROM)[0]
    found, position = [], 0
    while match := SUBQUERY.search(columns, position):
        end = closing_parenthesis(columns, match.start() + 1)
        found.append(columns[match.start() + 1 : end])
        position = end
    return found


AFTER_SET = re.compile(r"\s+(?:FROM|WHERE)\s", re.I)


class Checker:
    """Applies the rule to statements of one request of ``rows.organization``."""

    def __init__(self, tables: Tables, rows: Rows, exceptions: dict[str, str]) -> None:
        self.tables = tables
        self.rows = rows
        self.exceptions = {re.compile(pattern, re.I | re.S): reason for pattern, reason in exceptions.items()}

    def check(self, sql: str) -> Statement:
        statement = Statement(sql)
        if TRANSACTION_CONTROL.match(sql) or any(pattern.search(sql) for pattern in self.exceptions):
            return statement
        text = strip_literals(sql)
        while cte := CTE.match(text):
            text = self._inline_cte(statement, cte, text)
            if statement.problems:
                return statement
        target = None
        insert = INSERT.match(text)
        if insert:
            self._check_insert(statement, insert.group(1), re.findall(r"\w+", insert.group(2)))
            text = insert.group(3)
        elif update := UPDATE.match(text):
            target = update.group(1)
            text = text[: update.end()] + text[find_top_level(text, AFTER_SET, update.end()) :]
        elif delete := DELETE.match(text):
            target = delete.group(1)
        elif not re.match(r"\s*\(?\s*SELECT\b", text, re.I):
            statement.problems.append("a statement the checker cannot read")
            return statement
        for index, part in enumerate(split_top_level(text, UNION)):
            outer = without_select_list(part)
            self._check_part(statement, outer, target if index == 0 else None)
            self._check_subqueries(statement, part, outer)
        return statement

    def _check_subqueries(self, statement: Statement, part: str, context: str) -> None:
        """Each subquery of ``part``'s column list, correlated to the queries around it: checked
        with their FROM clauses in view, its own unqualified columns belonging to its own
        (first) table; then its own subqueries, with it added to their view."""
        for subquery in select_list_subqueries(part):
            own = without_select_list(subquery) + " " + context
            self._check_part(statement, own, None, own_first=True)
            self._check_subqueries(statement, subquery, own)

    def _inline_cte(self, statement: Statement, cte: re.Match, text: str) -> str:
        """A ``WITH name AS (body) rest`` statement (or ``WITH name AS (body), other AS …``):
        the body is checked as a statement of its own; when it keeps to the organization,
        the rest reads ``name`` as that body's table kept to the organization (``FROM name``
        becomes the table, compared with it). A body that reads no table (``SELECT
        pg_advisory_xact_lock(…)``) or writes leaves the rest as it is."""
        end = closing_parenthesis(text, cte.end())
        body, rest = text[cte.end() : end], text[end + 1 :]
        inner = self.check(body)
        statement.tables |= inner.tables
        statement.problems.extend(inner.problems)
        if more := re.match(r"\s*,", rest):  # the next CTE of the same WITH
            rest = "WITH " + rest[more.end() :]
        found = occurrences(without_select_list(body), self.tables)
        if not found or WRITES.match(body):
            # A body that reads no table (taking a lock), or a write whose RETURNING the rest
            # only counts (the parts of contacts/foundations/chain.py): nothing to pin.
            return rest
        name, pin = cte.group(1), f"{cte.group(1)}.organization_id = {self.rows.organization}"
        source = re.compile(rf"\bFROM\s+{name}\b(?!\s*\.)", re.I)
        return source.sub(f'FROM "{found[0].table}" {name} WHERE {pin}', rest, count=1)

    def _check_insert(self, statement: Statement, table: str, columns: list[str]) -> None:
        statement.tables.add(table)
        if table in self.tables.tenant and "organization_id" not in columns:
            statement.problems.append(f"{table}: inserted without organization_id")
        elif table in self.tables.child and not {"contact_id", "path_id"} & set(columns):
            statement.problems.append(f"{table}: inserted without contact_id or path_id")
        elif table not in self.tables.tenant | self.tables.child:
            statement.problems.append(f"{table}: holds no organization's rows, yet is written")

    def _check_part(self, statement: Statement, text: str, target: str | None, *, own_first: bool = False) -> None:
        found = occurrences(text, self.tables)
        if not found:
            return
        by_name = {name: occurrence for occurrence in found for name in occurrence.names}

        def resolve(ref: str | None) -> Occurrence | None:
            if ref is None:
                return found[0] if len(found) == 1 else None
            return by_name.get(ref.strip('"'))

        self._pin_by_values(statement, text, resolve)
        self._pin_by_joins(text, resolve, found[0] if own_first else None)
        for occurrence in found:
            statement.tables.add(occurrence.table)
            if occurrence.table not in self.tables.tenant | self.tables.child | {self.tables.organization}:
                statement.problems.append(f"{occurrence.table}: holds no organization's rows")
            elif not occurrence.pinned:
                statement.problems.append(f"{occurrence.table}: not kept to the organization")
            elif occurrence.table == target and occurrence is found[0] and not occurrence.pinned_directly:
                statement.problems.append(f"{occurrence.table}: written through a join only")

    def _pin_by_values(self, statement: Statement, text: str, resolve) -> None:
        organization = self.rows.organization
        for match in COMPARED_TO_NUMBERS.finditer(text):
            occurrence, column = resolve(match.group("ref")), match.group("col").lower()
            if occurrence is None:
                continue
            values = {int(v) for v in re.findall(r"\d+", match.group("one") or match.group("many"))}
            table = occurrence.table
            if column == "organization_id" and table in self.tables.tenant:
                if values != {organization}:
                    statement.problems.append(f"{table}: organization_id compared with {sorted(values)}")
                    continue
            elif column == "id" and table == self.tables.organization:
                if values != {organization}:
                    statement.problems.append(f"{table}: another organization read")
                    continue
            elif column in KEY_COLUMNS and table in self.tables.child:
                if not self.rows.owns(table, column, values):
                    statement.problems.append(f"{table}: {column} names rows of another organization")
                    continue
            else:
                continue
            occurrence.pinned = occurrence.pinned_directly = True
        for match in COMPARED_TO_VALUES_ROW.finditer(text):
            occurrence = resolve(match.group("ref"))
            if occurrence and occurrence.table in self.tables.child and match.group("col").lower() == "id":
                occurrence.pinned = occurrence.pinned_directly = True

    def _pin_by_joins(self, text: str, resolve, unqualified: Occurrence | None = None) -> None:
        edges = []
        for match in EQUAL_COLUMNS.finditer(text):
            if (match.group("aref") is None or match.group("bref") is None) and unqualified is None:
                continue
            a = resolve(match.group("aref")) if match.group("aref") else unqualified
            b = resolve(match.group("bref")) if match.group("bref") else unqualified
            columns = {match.group("acol").lower(), match.group("bcol").lower()}
            if a and b and a is not b and ("id" in columns or columns == {"organization_id"}):
                edges.append((a, b))
        changed = True
        while changed:
            changed = False
            for a, b in edges:
                if a.pinned != b.pinned:
                    a.pinned = b.pinned = changed = True
