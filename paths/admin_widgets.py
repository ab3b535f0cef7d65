"""Quiet time frames edited with real inputs on the contact page: per frame a name, the seven
days as checkboxes (numbered as the API numbers them, 1 = Sunday … 7 = Saturday), a from and a
to time, a delete box, and a blank row to add one. A plain form post carries it all, so it
works without JavaScript.

The widget reads its rows from the post; the field turns them into the canonical frames the
update engine takes (``[{"name", "days", "from_hour", "from_min", "to_hour", "to_min"}]``).
The field checks only what the inputs themselves can get wrong (no day, a time that is not
HH:MM); the engine checks the rest and the contact form shows its problems on this field.
"""

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# calendar.day_abbr and day_name start on Monday; day 1 is Sunday.
DAY_NUMBERS = range(1, 8)
DAY_ABBREVIATIONS = {day: calendar.day_abbr[(day - 2) % 7] for day in DAY_NUMBERS}
DAY_NAMES = {day: calendar.day_name[(day - 2) % 7] for day in DAY_NUMBERS}
WEEKDAY_CHOICES = [(day, f"{day} {DAY_NAMES[day]}") for day in DAY_NUMBERS]
#: Rows offered for new frames below the stored ones (more after each save, no script needed).
BLANK_ROWS = 1
#: An upper bound on the rows read from one post, whatever its row count claims.
MAX_ROWS = 100
NAME_MAX_LENGTH = 100
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")


@dataclass(frozen=True)
class FrameRow:
    """One row of inputs as posted (text as typed) or as shown."""

    name: str = ""
    days: tuple[str, ...] = ()
    start: str = ""
    end: str = ""
    delete: bool = False
    #: A row holding a stored frame (it offers a delete box).
    stored: bool = False

    @property
    def is_blank(self) -> bool:
        return not (self.name.strip() or self.days or self.start.strip() or self.end.strip())


def rows_from_frames(frames: Sequence[Mapping[str, Any]]) -> list[FrameRow]:
    """Rows showing canonical frames (as stored, or as the field cleaned them)."""
    return [
        FrameRow(
            name=frame.get("name") or "",
            days=tuple(str(day) for day in frame.get("days") or ()),
            start=format_time(frame.get("from_hour"), frame.get("from_min")),
            end=format_time(frame.get("to_hour"), frame.get("to_min")),
            stored=True,
        )
        for frame in frames
    ]


def format_time(hour: object, minute: object) -> str:
    if not isinstance(hour, int) or not isinstance(minute, int):
        return ""
    return f"{hour:02d}:{minute:02d}"


def parse_time(text: str) -> tuple[int, int] | None:
    """``HH:MM`` (seconds, which some browsers add, are ignored) → (hour, minute)."""
    match = TIME.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    return (hour, minute) if hour <= 23 and minute <= 59 else None


class QuietTimeFramesWidget(forms.Widget):
    """A small table of frame rows. Inputs are named ``<name>-<row>-name|days|from|to|delete``
    and ``<name>-rows`` holds the number of rows shown, so the post says which rows exist."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[FrameRow] | None:
        """The posted rows, or None when the post carries no frame inputs at all (the engine
        then keeps the stored frames, DESIGN §4)."""
        if f"{name}-rows" not in data:
            return None
        try:
            count = min(int(data[f"{name}-rows"]), MAX_ROWS)
        except (TypeError, ValueError):
            count = 0
        getlist = getattr(data, "getlist", lambda key: data.get(key) or [])
        rows = []
        for index in range(count):
            prefix = f"{name}-{index}-"
            rows.append(
                FrameRow(
                    name=str(data.get(prefix + "name", "")),
                    days=tuple(str(day) for day in getlist(prefix + "days")),
                    start=str(data.get(prefix + "from", "")),
                    end=str(data.get(prefix + "to", "")),
                    delete=bool(data.get(prefix + "delete")),
                    stored=bool(data.get(prefix + "stored")),
                )
            )
        return rows

    def id_for_label(self, id_: str) -> str:
        # The field's label names the first row's name input (a table is not labelable).
        return f"{id_}_0_name" if id_ else id_

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return f"{name}-rows" not in data

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        rows = self.display_rows(value)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        body = format_html_join("", "{}", ((self.render_row(name, base_id, i, row),) for i, row in enumerate(rows)))
        return format_html(
            '<table class="quiet-time-frames" id="{}">'
            "<thead><tr><th>Name</th><th>Days</th><th>From</th><th>To</th><th>Delete</th></tr></thead>"
            '<tbody>{}</tbody></table><input type="hidden" name="{}-rows" value="{}">',
            base_id,
            body,
            name,
            len(rows),
        )

    def display_rows(self, value: Any) -> list[FrameRow]:
        """Rows for ``value`` (canonical frames, or the rows of a post shown again with its
        errors), then blank rows for new frames."""
        if not value:
            rows = []
        elif isinstance(value[0], FrameRow):
            rows = [row for row in value if not row.is_blank or row.stored]
        else:
            rows = rows_from_frames(value)
        return [*rows, *(FrameRow() for _ in range(BLANK_ROWS))]

    def render_row(self, name: str, base_id: str, index: int, row: FrameRow) -> SafeString:
        prefix, row_id = f"{name}-{index}-", f"{base_id}_{index}"
        days = format_html_join(
            " ",
            '<label title="{} ({})"><input type="checkbox" name="{}" value="{}" id="{}"{}> {}</label>',
            (
                (
                    DAY_NAMES[day],
                    day,
                    prefix + "days",
                    day,
                    f"{row_id}_days_{day}",
                    " checked" if str(day) in row.days else "",
                    DAY_ABBREVIATIONS[day],
                )
                for day in DAY_NUMBERS
            ),
        )
        if row.stored:
            delete = format_html(
                '<input type="checkbox" name="{}delete" id="{}_delete" aria-label="Delete"{}>'
                '<input type="hidden" name="{}stored" value="1">',
                prefix,
                row_id,
                " checked" if row.delete else "",
                prefix,
            )
        else:
            delete = format_html('<span class="help">{}</span>', "new")
        return format_html(
            "<tr>"
            '<td><input type="text" name="{}name" id="{}_name" value="{}" maxlength="{}" size="12"'
            ' aria-label="Frame name"></td>'
            '<td class="quiet-time-days">{}</td>'
            '<td><input type="time" name="{}from" id="{}_from" value="{}" aria-label="From"></td>'
            '<td><input type="time" name="{}to" id="{}_to" value="{}" aria-label="To"></td>'
            "<td>{}</td></tr>",
            prefix,
            row_id,
            row.name,
            NAME_MAX_LENGTH,
            days,
            prefix,
            row_id,
            row.start,
            prefix,
            row_id,
            row.end,
            delete,
        )


class QuietTimeFramesField(forms.Field):
    """Cleans the posted rows into canonical frames, leaving out deleted and blank rows.
    None (no frame inputs posted) means "keep the stored frames"."""

    widget = QuietTimeFramesWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Days are numbered as in the API: 1 = Sunday … 7 = Saturday.")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[dict] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise ValidationError("Quiet time frames could not be read.", code="invalid")
        frames, errors = [], []
        # Frames are numbered as handed on (deleted and blank rows left out), as the contact
        # form numbers the engine's problems about them.
        kept = [row for row in value if not (row.delete or row.is_blank)]
        for number, row in enumerate(kept, start=1):
            frame, row_errors = clean_row(row)
            label = f"Frame {number}" + (f" ({row.name.strip()})" if row.name.strip() else "")
            errors.extend(ValidationError(f"{label}: {error}", code="invalid") for error in row_errors)
            if frame is not None:
                frames.append(frame)
        if errors:
            raise ValidationError(errors)
        return frames

    def has_changed(self, initial: Any, data: Any) -> bool:
        if data is None:
            return False
        try:
            return self.clean(data) != list(initial or [])
        except ValidationError:
            return True


def clean_row(row: FrameRow) -> tuple[dict | None, list[str]]:
    """The canonical frame of one row, or the reasons it has none."""
    errors = []
    try:
        days = sorted({int(day) for day in row.days})
    except ValueError:
        days = [0]
    if not days:
        errors.append("check at least one day.")
    elif not set(days) <= set(DAY_NUMBERS):
        errors.append("days must be 1 (Sunday) to 7 (Saturday).")
    start, end = parse_time(row.start), parse_time(row.end)
    if start is None:
        errors.append("enter the from time as HH:MM (00:00 to 23:59).")
    if end is None:
        errors.append("enter the to time as HH:MM (00:00 to 23:59).")
    if errors or start is None or end is None:
        return None, errors
    return {
        "name": row.name.strip(),
        "days": days,
        "from_hour": start[0],
        "from_min": start[1],
        "to_hour": end[0],
        "to_min": end[1],
    }, []
