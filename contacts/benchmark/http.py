"""The HTTP figures (DESIGN §8): a gunicorn the benchmark starts itself (configured as the
README runs it, ``contacts_project/gunicorn.conf.py``, on a free local port and the same
database as the command), single PATCHes one at a time, a batch of FULL updates, and single
PATCHes at concurrency 8 driven by ``wrk``.

Every PATCH carries the scenario's change (5 scalars, both paths with a quiet time frame,
both attribute values, a group) with new values, so no request is a no-op. The server's
rate limit is lifted for the run (``API_RATE_LIMIT``); everything else comes from the
environment the command runs in (``CONN_MAX_AGE``, ``WEB_CONCURRENCY``, ``GUNICORN_THREADS``
among it).
"""

import json
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.db import connection

from contacts.benchmark.rounds import Measured
from contacts.benchmark.scenario import Scenario, wire_values

CONCURRENCY = 8
WRK_THREADS = 2
TIMEOUT = 60
READY_SECONDS = 60


@dataclass(frozen=True)
class Server:
    url: str
    workers: int
    threads: int
    conn_max_age: str


def database_url() -> str:
    """The URL of the database this process uses, for the server to use the same one."""
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(config["USER"] or "", safe="")
        if config["PASSWORD"]:
            credentials += ":" + quote(config["PASSWORD"], safe="")
        return f"postgres://{credentials}@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{config['NAME']}"
    return f"sqlite:///{config['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server() -> Iterator[Server]:
    """gunicorn serving ``contacts_project.wsgi`` with the project's configuration until the
    block ends; its log goes to a temporary file, quoted if it does not come up."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url(), "API_RATE_LIMIT": "1000000/min"}
    configuration = Path(settings.BASE_DIR) / "contacts_project" / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(configuration), "contacts_project.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    workers, threads = _configured(configuration)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_ready(url, process, log)
            yield Server(url, workers, threads, str(settings.DATABASES["default"]["CONN_MAX_AGE"]))
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _configured(configuration: Path) -> tuple[int, int]:
    """The workers and threads the configuration file gives (in this process's environment,
    which the server inherits)."""
    values = runpy.run_path(str(configuration))
    return int(values["workers"]), int(values["threads"])


def _wait_until_ready(url: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still booting
            pass
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not come up at {url}:\n{log.read().decode(errors='replace')[-2000:]}")


#: Variants the warm-up sends (the rounds use small ones, so no timed request repeats them).
WARM_UP_VARIANT = 10_000


def warm_up(server: Server, scenario: Scenario, secret: str, *, seconds: float = 3.0) -> int:
    """Single PATCHes and small batches from as many clients as the server has threads, for
    ``seconds``, before anything is timed: gunicorn answers as soon as one process is up
    while the others are still booting (a second of CPU each), and each process and each of
    its connections does work once (imports, caches, prepared statements). Returns the
    number of requests sent."""
    clients = server.workers * server.threads
    deadline = time.monotonic() + seconds
    base = f"{server.url}/rest/contacts/{scenario.organization.pk}"

    def send(offset: int) -> int:
        client, sent = session(secret), 0
        while time.monotonic() < deadline:
            variant = WARM_UP_VARIANT + sent
            indices = [(offset + clients * (sent + k)) % scenario.size for k in range(5)]
            url = f"{base}/{scenario.contact_ids[indices[0]]}"
            body = json.dumps(wire_values(indices[0], variant)).encode()
            _refuse_failure(client.patch(url, data=body, timeout=TIMEOUT), "A warm-up PATCH")
            items = [{"id": scenario.contact_ids[n], **wire_values(n, variant)} for n in indices]
            _refuse_failure(
                client.put(f"{base}/batch", data=json.dumps(items).encode(), timeout=TIMEOUT), "A warm-up batch"
            )
            sent += 2
        return sent

    with ThreadPoolExecutor(clients) as pool:
        return sum(pool.map(send, range(clients)))


def headers(secret: str) -> dict[str, str]:
    """What every request of the benchmark carries: the key and a JSON body."""
    return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


def session(secret: str) -> requests.Session:
    client = requests.Session()
    client.headers.update(headers(secret))
    return client


def _refuse_failure(response: requests.Response, what: str) -> None:
    _refuse_status(response.status_code, response.text, what)


def _refuse_status(status: int, text: str, what: str) -> None:
    if status != 200:
        raise RuntimeError(f"{what} answered {status}: {text[:500]}")


@dataclass
class HttpSingles:
    """Native PATCH of one contact at a time (concurrency 1), ``count`` per run.

    Sent with the standard library's HTTP client, a new connection each (the server keeps
    none alive), as ``wrk`` does at concurrency 8: the figure is the server's latency, and a
    client's own work on the same two cores would be counted in it. ``requests`` spends
    about 1.5 ms of CPU on each call (a ``/healthz`` took 3.0 ms through it, 1.5 ms through
    ``http.client``), which put 1.3 to 4 ms on this figure's median."""

    server: Server
    scenario: Scenario
    secret: str
    count: int
    name: str = "HTTP PATCH"
    _next: int = 0

    def run(self, variant: int) -> Measured:
        size = self.scenario.size
        count = min(self.count, size)
        indices = [(self._next + offset) % size for offset in range(count)]
        self._next = (self._next + count) % size
        base = f"/rest/contacts/{self.scenario.organization.pk}"
        requests_ = [
            (f"{base}/{self.scenario.contact_ids[n]}", json.dumps(wire_values(n, variant)).encode()) for n in indices
        ]
        address = urlsplit(self.server.url)
        sent_headers = headers(self.secret)
        times = []
        for path, body in requests_:
            start = time.perf_counter()
            client = HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
            try:
                client.request("PATCH", path, body=body, headers=sent_headers)
                response = client.getresponse()
                answer = response.read()
            finally:
                client.close()
            times.append(time.perf_counter() - start)
            _refuse_status(response.status, answer.decode(errors="replace"), "PATCH")
        return Measured(tuple(times))


@dataclass
class HttpBatch:
    """Native batch (``PUT /rest/contacts/{org}/batch``): one FULL update of every contact."""

    server: Server
    scenario: Scenario
    secret: str
    name: str = "HTTP batch"
    _client: requests.Session | None = None

    def run(self, variant: int) -> Measured:
        client = self._client = self._client or session(self.secret)
        items = [
            {"id": contact_id, **wire_values(n, variant)} for n, contact_id in enumerate(self.scenario.contact_ids)
        ]
        body = json.dumps(items).encode()
        url = f"{self.server.url}/rest/contacts/{self.scenario.organization.pk}/batch"
        start = time.perf_counter()
        response = client.put(url, data=body, timeout=TIMEOUT)
        elapsed = time.perf_counter() - start
        _refuse_failure(response, "The batch")
        statuses = {item["status"] for item in response.json()["results"]}
        if statuses != {"updated"}:
            raise RuntimeError(f"the HTTP batch answered statuses {sorted(statuses)}, not only 'updated'")
        return Measured((elapsed,))


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    non_2xx: int
    socket_errors: int
    latency_ms: dict[str, float] = field(default_factory=dict)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(server: Server, scenario: Scenario, secret: str, *, seconds: int, base: int = 0) -> WrkResult:
    """Single PATCHes at concurrency 8 for ``seconds``, each with a new version of a contact
    (``base`` offsets the values, so that a later run sends none an earlier one sent). One
    PATCH made from the same template goes first: wrk only counts refusals."""
    body = re.sub(r"\{(\w+)\}", lambda match: PREFLIGHT[match.group(1)], lua_template())
    url = f"{server.url}/rest/contacts/{scenario.organization.pk}/{scenario.contact_ids[0]}"
    _refuse_failure(session(secret).patch(url, data=body.encode(), timeout=TIMEOUT), "The wrk script's PATCH")
    script = lua_script(scenario, secret, base=base)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "patch.lua"
        path.write_text(script)
        command = [wrk_path() or "wrk", f"-t{WRK_THREADS}", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency"]
        command += ["--timeout", "10s", "-s", str(path), server.url]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(completed.stdout)


def lua_script(scenario: Scenario, secret: str, *, base: int = 0) -> str:
    """A wrk script: each request PATCHes the next contact (threads take turns, so no two
    requests in flight name the same one) with values no earlier request sent."""
    template = lua_template()
    ids = ", ".join(map(str, scenario.contact_ids))
    path = f"/rest/contacts/{scenario.organization.pk}/"
    return LUA.format(ids=ids, threads=WRK_THREADS, template=template, path=path, secret=secret, base=base)


def lua_template() -> str:
    """The PATCH body as JSON text with ``{name}`` placeholders; a string value that is only
    a placeholder stands for a number and is unquoted."""
    return re.sub(r'"\{(\w+)\}"', r"{\1}", json.dumps(patch_template()))


#: Placeholder values of the PATCH sent before wrk starts (counter 0 is never used by wrk).
PREFLIGHT = {"n": "0", "a": "00", "b": "00", "c": "00", "hour": "20", "day": "1", "group": "1"}


def patch_template() -> dict:
    """The PATCH body with ``{name}`` placeholders that the wrk script fills per request."""
    body = wire_values(0, 0)
    del body["externalId"]
    body.update(firstName="W{n}", lastName="L{n}", email="w{n}@example.com", title="T{n}", companyName="C{n}")
    phone, email = body["paths"]
    phone["value"] = "+33 6 12 {a} {b} {c}"
    phone["quietTimeFrames"][0]["fromHour"] = "{hour}"
    email["value"] = "w{n}@example.org"
    email["quietTimeFrames"][0]["days"] = ["{day}"]
    body["contactAttributes"] = [{"name": f"attr{i}", "values": [f"w{{n}}-{i}"]} for i in range(2)]
    body["groupsName"] = ["group0", "group{group}"]
    return body


LUA = """-- PATCH /rest/contacts/{{org}}/{{id}}, each request a new version of the next contact.
local ids = {{{ids}}}
local threads = {threads}
local base = {base}
local template = [==[{template}]==]
local headers = {{["Authorization"] = "Bearer {secret}", ["Content-Type"] = "application/json"}}
local started = 0
local counter = 0

function setup(thread)
  thread:set("offset", started)
  started = started + 1
end

function request()
  counter = counter + 1
  local n = base + counter * threads + offset
  local values = {{
    n = n,
    a = string.format("%02d", n % 100),
    b = string.format("%02d", math.floor(n / 100) % 100),
    c = string.format("%02d", math.floor(n / 10000) % 100),
    hour = 20 + n % 4,
    day = 1 + n % 7,
    group = 1 + n % 3,
  }}
  local body = string.gsub(template, "{{(%w+)}}", values)
  return wrk.format("PATCH", "{path}" .. ids[n % #ids + 1], headers, body)
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    """The figures of wrk's report (``--latency``)."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rate or not total:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = {
        f"p{percent}": round(float(value) * UNITS[unit], 3)
        for percent, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(map(int, errors.groups())) if errors else 0,
        latency_ms=latency,
    )
