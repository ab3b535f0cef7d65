"""Production settings pass Django's deployment checks, and the key that encrypts API keys
at rest can be rotated without breaking WSSE."""

import gc
import io
import os
import runpy
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.management import call_command
from rest_framework.test import APIClient

from contacts.models import ApiKey
from tests import factories
from tests.dialects.keyed.conftest import wsse_header

ROOT = Path(__file__).resolve().parents[2]
#: The production environment the README documents.
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "contacts.example.com",
    "HTTPS": "true",
    "PROXY_SSL_HEADER": "true",
}


def test_deploy_checks_pass_under_the_documented_production_settings():
    environment = {**os.environ, **PRODUCTION}
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def wsse_works(issued) -> bool:
    return APIClient().get("/api/v2/field", HTTP_X_WSSE=wsse_header(issued)).status_code == 200


def test_the_encryption_key_rotates_without_breaking_wsse(org, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.API_KEY_ENCRYPTION_KEYS = [old]
    issued = factories.make_key(org)
    stored = ApiKey.objects.get(pk=issued.api_key.pk).key_encrypted

    settings.API_KEY_ENCRYPTION_KEYS = [new, old]
    assert wsse_works(issued)  # the old key still decrypts
    call_command("rotate_api_key_encryption", stdout=io.StringIO())
    settings.API_KEY_ENCRYPTION_KEYS = [new]

    assert ApiKey.objects.get(pk=issued.api_key.pk).key_encrypted != stored
    assert wsse_works(issued)


def test_a_new_secret_key_with_the_old_one_as_fallback_keeps_wsse_working(org, settings):
    settings.API_KEY_ENCRYPTION_KEYS = []
    issued = factories.make_key(org)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "y" * 50
    assert wsse_works(issued)

    settings.SECRET_KEY_FALLBACKS = []
    assert not wsse_works(issued)
    # An unreadable stored key matches nothing, not even a digest made with an empty secret.
    empty = APIClient().get("/api/v2/field", HTTP_X_WSSE=wsse_header(issued, secret=""))
    assert empty.status_code == 401


def test_each_gunicorn_process_freezes_what_it_loaded_out_of_the_cycle_collectors_sight():
    configuration = runpy.run_path(str(ROOT / "contacts_project" / "gunicorn.conf.py"))
    assert (
        configuration["worker_class"] == "gthread" and configuration["worker_connections"] == configuration["threads"]
    )
    gc.unfreeze()
    try:
        configuration["post_worker_init"](None)

        assert gc.get_freeze_count() > 10_000  # Django, the apps and every view
        assert "contacts.dialects.native.views" in sys.modules
    finally:
        gc.unfreeze()
