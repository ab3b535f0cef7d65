"""DESIGN §8's targets and the benchmark's verdicts on them.

A verdict compares the figure's median (or its single value) with the target: PASS or FAIL,
SKIP when the figure was not measured (no PostgreSQL for the SQL reference, ``--skip-http``,
no ``wrk``). It is *borderline* when the figure's spread over the rounds reaches both sides
of the target: the verdict then rests on the median alone, and the output says so.
"""

from dataclasses import dataclass

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


@dataclass(frozen=True)
class Target:
    #: Where the figure is in the ``--json`` output (dotted path).
    key: str
    label: str
    limit: float
    unit: str
    higher_is_better: bool = False

    @property
    def wording(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.limit:g}{self.unit}"

    def met_by(self, value: float) -> bool:
        return value >= self.limit if self.higher_is_better else value <= self.limit


TARGETS = (
    Target("batch.engine_vs_sql", "batch of FULL updates, engine time over the SQL reference's", 2.5, "x"),
    Target("batch.serializers_vs_engine", "batch, serializer yardstick time over the engine's", 40, "x", True),
    Target("single.p50_ms", "single FULL update in-process, p50", 8, " ms"),
    Target("http.patch.p50_ms", "HTTP PATCH at concurrency 1, p50", 12, " ms"),
    Target("http.wrk.requests_per_second", "HTTP PATCHes at concurrency 8", 300, "/s", True),
    Target("http.batch.contacts_per_second", "HTTP batch of FULL updates", 2000, " contacts/s", True),
    Target("statements.patch.count", "statements per PATCH", 8, ""),
    Target("statements.get.count", "statements per GET", 4, ""),
    Target("scale.ratio_max_min", "batch time, slowest organization size over fastest", 1.2, "x"),
)


@dataclass(frozen=True)
class Verdict:
    target: Target
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        if self.value is None:
            return SKIP
        return PASS if self.target.met_by(self.value) else FAIL

    @property
    def borderline(self) -> bool:
        if self.value is None or self.low is None or self.high is None:
            return False
        return self.target.met_by(self.low) != self.target.met_by(self.high)

    def as_json(self) -> dict:
        return {
            "key": self.target.key,
            "label": self.target.label,
            "target": self.target.wording,
            "value": self.value,
            "min": self.low,
            "max": self.high,
            "status": self.status,
            "borderline": self.borderline,
            "note": self.note,
        }


def lookup(figures: dict, key: str) -> object:
    found: object = figures
    for part in key.split("."):
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return found


def judge(figures: dict, remarks: dict[str, str]) -> list[Verdict]:
    """One verdict per target. ``remarks`` say why a figure was not measured, or what to
    keep in mind about it, by its whole key or the first part of it (``"http"``)."""
    verdicts = []
    for target in TARGETS:
        found = lookup(figures, target.key)
        reason = remarks.get(target.key) or remarks.get(target.key.split(".")[0], "")
        if isinstance(found, dict):
            value = found.get("median", found.get("value"))
            verdicts.append(Verdict(target, value, found.get("min"), found.get("max"), reason))
        elif isinstance(found, int | float):
            verdicts.append(Verdict(target, float(found), float(found), float(found), reason))
        else:
            verdicts.append(Verdict(target, None, note=reason or "not measured"))
    return verdicts


def format_value(value: float | None, unit: str, *, show_unit: bool = True) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 or unit == "" else (1 if abs(value) >= 10 else 2)
    return f"{value:,.{digits}f}{unit if show_unit else ''}"


def describe(verdict: Verdict) -> str:
    """``FAIL  label: 4.51x [4.20 to 4.90], target ≤ 2.5x``"""
    unit = verdict.target.unit
    figure = format_value(verdict.value, unit)
    if verdict.low is not None and verdict.high is not None and verdict.low != verdict.high:
        low, high = (format_value(v, unit, show_unit=False) for v in (verdict.low, verdict.high))
        figure += f" [{low} to {high}]"
    line = f"{verdict.status:<5} {verdict.target.label}: {figure}, target {verdict.target.wording}"
    notes = [verdict.note] if verdict.note else []
    if verdict.borderline:
        notes.append("borderline: the spread over the rounds reaches both sides of the target")
    return line + (f" ({'; '.join(notes)})" if notes else "")


DOC_BEGIN = "<!-- benchmark figures: begin -->"
DOC_END = "<!-- benchmark figures: end -->"


def figures_table(verdicts: list[Verdict] | None, measured: str = "") -> str:
    """The figures table of docs/scaling.md: each target with its ``--json`` key, and the
    measured figure and verdict when there are ``verdicts`` (else left blank)."""
    rows = [
        "| Figure | Target (DESIGN §8) | `--json` key | Measured | Verdict |",
        "|---|---|---|---|---|",
    ]
    by_key = {verdict.target.key: verdict for verdict in verdicts or []}
    for target in TARGETS:
        verdict = by_key.get(target.key)
        figure = format_value(verdict.value, target.unit) if verdict else "-"
        status = verdict.status if verdict else "-"
        rows.append(f"| {target.label} | {target.wording} | `{target.key}` | {figure} | {status} |")
    heading = f"Measured: {measured}." if measured else "Not measured yet: run the command above to fill it in."
    return "\n".join([DOC_BEGIN, heading, "", *rows, DOC_END])


def replace_figures_table(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    start, end = text.find(DOC_BEGIN), text.find(DOC_END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no '{DOC_BEGIN}' … '{DOC_END}' block")
    return text[:start] + table + text[end + len(DOC_END) :]
