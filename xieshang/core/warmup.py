"""Work a fresh web worker does before its first request (called from wsgi.py as the worker loads the application).

Django imports the URL configuration, and with it every view, form and the API, on the first request, and compiles
each template the first time it renders: a fresh worker answered its first page after 21 s at 100k proposals on a
busy machine. Doing it while the worker boots moves that cost out of anybody's request. Steps that need the database
(the segmenter's dictionary) are skipped quietly when it is not reachable yet: the request that needs them loads
them as before."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Import the URL configuration, compile every template, load the per-process caches; returns the seconds."""
    started = time.perf_counter()
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - builds the reverse lookup the menus use
    _modules()
    _translations()
    _templates()
    _caches()
    return time.perf_counter() - started


# Not imported by the warm-up: schema history, commands (each its own process), the ASGI entry point.
_SKIP_MODULES = ("migrations", "management", "asgi", "demo")


def _modules() -> None:
    """Every module of the project: many are imported inside functions (to keep the import layers), so without
    this a worker's first request of each kind would import them."""
    import importlib
    import pkgutil

    import xieshang

    for module in pkgutil.walk_packages(xieshang.__path__, "xieshang."):
        if any(part in _SKIP_MODULES for part in module.name.split(".")):
            continue
        try:
            importlib.import_module(module.name)
        except Exception:  # noqa: BLE001 - a module that cannot load now loads (and fails) on its first use
            logger.warning("warm-up: %s did not import", module.name, exc_info=True)


def _translations() -> None:
    """The message catalogues of every language, read and merged once per process."""
    from django.conf import settings
    from django.utils import translation

    current = translation.get_language()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("协商")
    translation.activate(current) if current else translation.deactivate()


def _templates() -> None:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    engine = engines["django"]
    for directory in engine.template_dirs:
        root = Path(directory)
        if not root.is_dir():
            continue
        for path in root.rglob("*.html"):
            try:
                engine.get_template(str(path.relative_to(root)))
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):  # pragma: no cover - reported
                logger.warning("warm-up: template %s did not compile", path)


_warmers: list[Callable[[], object]] = []


def register(warmer: Callable[[], object]) -> None:
    """Apps above core hand in what a worker should load before its first request (search: the segmenter)."""
    if warmer not in _warmers:
        _warmers.append(warmer)


def _caches() -> None:
    from django.db import DatabaseError, connections

    try:
        for warmer in _warmers:
            warmer()
    except DatabaseError:  # pragma: no cover - the database is not up yet
        logger.info("warm-up: database not reachable, caches load on first use")
    finally:
        connections.close_all()  # a forked worker must not share the connection


def enabled() -> bool:
    return os.environ.get("XIESHANG_WARMUP", "1") != "0"
