"""The README's tour of the dialects, run as written, in order, against a live server on a
fresh ``manage.py demo`` (README "A tour of the dialects"): every ``sh`` and ``python``
block of that section runs; every ``# → …`` answer it shows is compared with the answer
the command before it got. A README that drifts from the product fails here."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"
HOST = "127.0.0.1:8000"
SECTION = "## A tour of the dialects"
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.DOTALL | re.MULTILINE)
ANSWER = re.compile(r"^(\s*)# → (.*)$", re.MULTILINE)

#: Shell run before the tour: ``curl`` keeps each answer for the comparisons and stops the
#: tour on an HTTP error; ``tour_answer`` records what the README says the answer is.
PRELUDE = r"""
set -euo pipefail
curl() {
  local out status
  out=$(command curl -sS -w '\n%{http_code}' "$@")
  status=${out##*$'\n'}; out=${out%$'\n'*}
  printf '%s\n' "$out" > "$TOUR_DIR/last"
  printf '%s\n' "$out"
  if [ "$status" -ge 400 ]; then echo "HTTP $status from: curl $*" >&2; return 1; fi
}
TOUR_N=0
tour_answer() {
  TOUR_N=$((TOUR_N + 1))
  cat > "$TOUR_DIR/shown.$TOUR_N"
  cp "$TOUR_DIR/last" "$TOUR_DIR/got.$TOUR_N"
}
"""


def tour_blocks() -> list[tuple[str, str]]:
    text = README.read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return [(lang, body) for lang, body in BLOCK.findall(section)]


def shell_with_answers(body: str) -> str:
    """Each ``# → answer`` line becomes a record of the answer shown and the one got."""
    return ANSWER.sub(lambda m: f"tour_answer <<'TOUR_SHOWN'\n{m.group(2)}\nTOUR_SHOWN", body)


def shown_json(shown: str) -> object:
    """The README abbreviates: ``...`` stands for the rest of an object."""
    return json.loads(re.sub(r",\s*\.\.\.(?=\s*[}\]])", "", shown))


def matches(shown: object, got: object) -> bool:
    """``shown`` is a part of ``got``: objects by their keys shown, lists element by element,
    and a string with ``…`` stands for any text in its place."""
    if isinstance(shown, dict):
        return isinstance(got, dict) and all(key in got and matches(value, got[key]) for key, value in shown.items())
    if isinstance(shown, list):
        return isinstance(got, list) and len(shown) == len(got) and all(map(matches, shown, got))
    if isinstance(shown, str) and "…" in shown:
        head, _, tail = shown.partition("…")
        return isinstance(got, str) and got.startswith(head) and got.endswith(tail)
    return shown == got and type(shown) is type(got)


def check_answer(shown: str, got: str) -> None:
    if shown.lstrip()[:1] in "{[" or shown.strip().isdigit():
        answer = got.strip().split("\r\n\r\n")[-1]
        assert matches(shown_json(shown), json.loads(answer)), f"README shows {shown}\nserver answered {answer}"
    else:
        for quoted in re.findall(r'"([^"]+)"', shown):
            assert quoted in got, f"README says {shown!r}; not in the answer:\n{got}"


def test_the_matcher_tells_a_wrong_answer():
    assert matches(shown_json('{"ids": [1, 2], ...}'), {"ids": [1, 2], "errors": {}})
    assert not matches(shown_json('{"ids": [1, 2]}'), {"ids": [1, 7]})
    assert matches("cnt_…", "cnt_abc") and not matches("cnt_…", "abc")
    assert not matches(1, True)


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("openssl") is None, reason="needs curl and openssl")
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_readme_tour_runs_as_written(live_server, tmp_path):
    printed = io.StringIO()
    call_command("demo", stdout=printed)
    username, key = re.search(r"username '([^']+)', key (\S+)", printed.getvalue()).groups()
    env = {**os.environ, "KEY": key, "USERNAME": username, "TOUR_DIR": str(tmp_path)}
    blocks = tour_blocks()
    assert [lang for lang, _ in blocks].count("sh") >= 5

    script = PRELUDE
    for lang, body in blocks:
        body = body.replace(HOST, live_server.url.removeprefix("http://"))
        if lang == "sh":
            script += shell_with_answers(body)
        else:
            script += f"{Path(sys.executable)} - <<'TOUR_PYTHON'\n{body}TOUR_PYTHON\n"
    run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)

    assert run.returncode == 0, f"the tour stopped:\n{run.stderr}\n{run.stdout[-3000:]}"
    answers = sorted(tmp_path.glob("shown.*"), key=lambda path: int(path.suffix[1:]))
    assert len(answers) >= 10
    for shown in answers:
        check_answer(shown.read_text(), (tmp_path / f"got{shown.suffix}").read_text())
