"""A worker's warm-up (core.warmup), run by gunicorn's master before it forks (gunicorn.conf.py: preload_app), leaves
nothing for a worker's first request to load: every project module, both languages' catalogues, every template."""

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_warm_up_imports_every_module_loads_the_catalogues_and_compiles_the_templates():
    # A fresh interpreter: this process has imported most modules already through the other tests.
    code = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django
django.setup()
from django.utils.translation import trans_real
from xieshang.core import warmup
lazily = "xieshang.proposals.views.detail_context"
assert lazily not in sys.modules
seconds = warmup.warm_up()
assert lazily in sys.modules, "a module only imported inside a function is loaded"
assert not [m for m in sys.modules if m.startswith("xieshang.") and ".migrations." in m]
assert {"zh-hans", "en"} <= set(trans_real._translations), trans_real._translations.keys()
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
assert len(loader.get_template_cache) > 100, type(loader)
print("ok", round(seconds, 2))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")


def test_gunicorn_preloads_the_warm_application_and_workers_open_their_own_connections(monkeypatch):
    assert importlib.util.find_spec("gunicorn") is not None
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["preload_app"] is True and conf["worker_class"] == "gthread"
    assert conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
    closed = []
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    conf["post_fork"](None, None)
    assert closed == [True]
    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is False
