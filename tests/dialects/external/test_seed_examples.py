"""Seed 001's request examples, sent as written (base URL, key and contact id swapped) to a
live server: the answer has exactly the seed's shape and the change reads back natively."""

import json
import re
import shlex
import shutil
import subprocess

import pytest
import requests

from tests.dialects.external.helpers import TIMEOUT, instant

pytestmark = pytest.mark.django_db(transaction=True)

SEED_BASE_URL = "https://app.getraze.com"
SEED_KEY = "YOUR_API_KEY"
SEED_CONTACT_ID = "cnt_abc123def456"

# The three code-group examples of seed 001, verbatim.
SEED_CURL = r"""curl --request PUT \
  --url "https://app.getraze.com/external/v1/contacts/cnt_abc123def456" \
  --header "Content-Type: application/json" \
  --header "X-API-Key: YOUR_API_KEY" \
  --data '{
    "position": "VP of Engineering",
    "tags": ["hot-lead", "enterprise"]
  }'
"""
SEED_PYTHON = """import requests

contact_id = 'cnt_abc123def456'

response = requests.put(
    f'https://app.getraze.com/external/v1/contacts/{contact_id}',
    headers={
        'X-API-Key': 'YOUR_API_KEY',
        'Content-Type': 'application/json'
    },
    json={
        'position': 'VP of Engineering',
        'tags': ['hot-lead', 'enterprise']
    }
)

print(response.json())
"""
#: What axios puts on the wire for the Node.js example: ``JSON.stringify`` of the body, the
#: example's headers and axios' own defaults.
NODE_BODY = {"position": "VP of Engineering", "tags": ["hot-lead", "enterprise"]}
NODE_DEFAULT_HEADERS = {
    "Accept": "application/json, text/plain, */*",
    "User-Agent": "axios/1.7.9",
    "Accept-Encoding": "gzip, compress, deflate, br",
}

SEED_DATA_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "company",
    "position",
    "source",
    "linkedin_url",
    "tags",
    "custom_fields",
    "created_at",
    "updated_at",
}
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def swap(text: str, *, server: str, secret: str, uid: str) -> str:
    return text.replace(SEED_BASE_URL, server).replace(SEED_KEY, secret).replace(SEED_CONTACT_ID, uid)


def curl_request(command: str) -> tuple[str, str, dict[str, str], str]:
    """Method, URL, headers and body of a cURL command, as curl itself would send them."""
    args = shlex.split(command.replace("\\\n", " "))
    assert args[0] == "curl"
    options = list(zip(args[1::2], args[2::2], strict=True))
    headers = dict(value.split(": ", 1) for option, value in options if option == "--header")
    found = {option: value for option, value in options if option != "--header"}
    return found["--request"], found["--url"], headers, found["--data"]


def assert_seed_answer(body: dict, *, john: dict, after: dict) -> None:
    """Exactly seed 001's response shape, with the updated position and tags (in the order
    sent), and timestamps in ISO 8601 UTC matching the stored instants."""
    assert set(body) == {"success", "data"}
    assert body["success"] is True
    data = body["data"]
    assert set(data) == SEED_DATA_KEYS
    assert {key: value for key, value in data.items() if not key.endswith("_at")} == {
        "id": john["uid"],
        "name": "John Doe",
        "email": "john@example.com",
        "phone": "+5511999999999",
        "company": "Acme Inc",
        "position": "VP of Engineering",
        "source": "linkedin",
        "linkedin_url": "https://linkedin.com/in/johndoe",
        "tags": ["hot-lead", "enterprise"],
        "custom_fields": {},
    }
    assert ISO_UTC.match(data["created_at"]), data["created_at"]
    assert ISO_UTC.match(data["updated_at"]), data["updated_at"]
    assert instant(data["created_at"]) == instant(john["createdAt"])
    assert instant(data["updated_at"]) == instant(after["updatedAt"])
    assert instant(data["updated_at"]) > instant(data["created_at"])


#: What each example changes, as the native dialect shows it.
SEED_CHANGE = {"companyPosition": "VP of Engineering", "tags": ["hot-lead", "enterprise"]}


def test_curl_example_sent_as_written(server, key, native, john):
    method, url, headers, data = curl_request(swap(SEED_CURL, server=server, secret=key.secret, uid=john["uid"]))
    before = native.snapshot(john["id"])

    response = requests.request(method, url, headers=headers, data=data.encode(), timeout=TIMEOUT)

    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    after = native.assert_changed(before, SEED_CHANGE, channel="external")
    assert_seed_answer(response.json(), john=john, after=after)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed")
def test_curl_example_run_by_curl(server, key, native, john):
    command = swap(SEED_CURL, server=server, secret=key.secret, uid=john["uid"])
    before = native.snapshot(john["id"])

    finished = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=TIMEOUT, check=True)

    after = native.assert_changed(before, SEED_CHANGE, channel="external")
    assert_seed_answer(json.loads(finished.stdout), john=john, after=after)


def test_python_example_run_as_written(server, key, native, john, capsys):
    code = swap(SEED_PYTHON, server=server, secret=key.secret, uid=john["uid"])
    before = native.snapshot(john["id"])
    namespace: dict = {}

    exec(compile(code, "seed_001_python_example", "exec"), namespace)

    response = namespace["response"]
    assert response.status_code == 200, response.text
    assert capsys.readouterr().out == f"{response.json()}\n"
    after = native.assert_changed(before, SEED_CHANGE, channel="external")
    assert_seed_answer(response.json(), john=john, after=after)


def test_node_example_request(server, key, native, john):
    before = native.snapshot(john["id"])

    response = requests.put(
        f"{server}/external/v1/contacts/{john['uid']}",
        data=json.dumps(NODE_BODY, separators=(",", ":")).encode(),
        headers={**NODE_DEFAULT_HEADERS, "X-API-Key": key.secret, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )

    assert response.status_code == 200, response.text
    after = native.assert_changed(before, SEED_CHANGE, channel="external")
    assert_seed_answer(response.json(), john=john, after=after)


def test_get_answers_the_seed_shape_and_changes_nothing(external, native, john):
    before = native.snapshot(john["id"])

    response = external.get(john["uid"])

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "data"} and body["success"] is True
    assert set(body["data"]) == SEED_DATA_KEYS
    assert body["data"]["position"] == "Engineer"
    assert body["data"]["tags"] == ["existing"]
    assert body["data"]["source"] == "linkedin"
    assert instant(body["data"]["updated_at"]) == instant(john["updatedAt"])
    native.assert_unchanged(before)
