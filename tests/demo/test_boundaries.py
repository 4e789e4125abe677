"""The demo is a face: nothing imports it (the domains do not know it exists), and it writes through the domains'
services and selectors (duties' models stay behind duties' services). Its history switch is notifications'."""

import re
import types
from contextlib import contextmanager
from pathlib import Path

from xieshang.demo.registry import builders, history
from xieshang.notifications.services import is_suppressed

APP = Path(__file__).resolve().parents[2] / "xieshang"
IMPORTS_DEMO = re.compile(r"^\s*(from\s+xieshang\.demo\b|import\s+xieshang\.demo\b|from\s+xieshang\s+import\s+demo\b)")


def test_nothing_outside_the_demo_imports_it():
    found = [
        f"{path.relative_to(APP)}:{n}"
        for path in APP.rglob("*.py")
        if "demo" not in path.relative_to(APP).parts[:1]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IMPORTS_DEMO.match(line)
    ]
    assert not found, found


def test_the_domains_keep_no_demo_modules():
    assert not [p for p in APP.glob("*/demo*.py")]
    assert not [p for p in APP.glob("*/management/commands/demo*.py") if p.parts[-4] != "demo"]


def test_the_demo_does_not_reach_into_duties_models():
    found = [p.name for p in (APP / "demo").rglob("*.py") if "duties.models" in p.read_text(encoding="utf-8")]
    assert not found, found


def test_builders_run_in_a_plain_order():
    assert [name for name, _ in builders()] == ["accounts", "proposals", "opinions", "deliberation", "consultations"]


def test_history_suppresses_notifications_and_enters_a_domain_quiet_while_it_exists():
    entered = []

    @contextmanager
    def quiet():
        entered.append(True)
        yield

    assert not is_suppressed()
    with history(types.SimpleNamespace(quiet=quiet)):
        assert is_suppressed() and entered == [True]
    with history(types.SimpleNamespace()):
        assert is_suppressed()
    assert not is_suppressed()
