"""`manage.py check --deploy` passes under production settings; the demo command is deterministic."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XIESHANG_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="xieshang.settings",
        SECRET_KEY="p" * 20 + "-production-secret-key-with-enough-entropy-0123456789abcdef",
        ALLOWED_HOSTS="xieshang.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        XIESHANG_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XIESHANG_", "DEBUG", "SECRET_KEY"))}
    env.update(DJANGO_SETTINGS_MODULE="xieshang.settings", XIESHANG_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
