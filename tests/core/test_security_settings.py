"""Issue #11: a Permissions-Policy header on every response; the public development key never runs without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_every_response_carries_a_permissions_policy(client, db):
    for url in ("/", reverse("accounts:login"), "/healthz", "/no-such-page/"):
        header = client.get(url).headers.get("Permissions-Policy", "")
        assert "camera=()" in header and "geolocation=()" in header and "microphone=()" in header, url


def _settings_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XIESHANG_", "DEBUG", "SECRET_KEY"))}
    env.update(DJANGO_SETTINGS_MODULE="xieshang.settings", XIESHANG_VAR_DIR=str(tmp_path), **extra)
    return env


def test_development_flag_without_debug_refuses_to_start(tmp_path):
    env = _settings_env(tmp_path, XIESHANG_DEV="1")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_the_public_development_key_is_refused_without_debug(tmp_path):
    from xieshang import settings as production

    env = _settings_env(tmp_path, XIESHANG_DEV="1", SECRET_KEY=production._DEV_KEY)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "development key" in result.stderr


def test_the_demo_settings_still_start(tmp_path):
    env = _settings_env(tmp_path, XIESHANG_DEV="1", DEBUG="1")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
