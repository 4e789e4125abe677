"""The demo is a face: nothing imports it (the domains do not know it exists), and it writes through the domains'
services and selectors (duties' models stay behind duties' services). Its history switch is notifications'."""

import re
from pathlib import Path

from xieshang.demo.builders import builders
from xieshang.demo.registry import history
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
    assert [name for name, _ in builders()] == [
        "accounts",
        "sessions",
        "proposals",
        "sessions_close",
        "opinions",
        "deliberation",
        "consultations",
        "activities",
        "registers",
        "announcements",
        "personal_data",
        "unit_reports",
        "following",
    ]


def test_history_suppresses_notifications():
    assert not is_suppressed()
    with history():
        assert is_suppressed()
    assert not is_suppressed()


def test_no_domain_service_keeps_a_quiet_switch_of_its_own():
    from xieshang.consultations import services as consultations
    from xieshang.opinions import services as opinions
    from xieshang.proposals import services as proposals

    for module in (consultations, opinions, proposals):
        assert not hasattr(module, "quiet") and not hasattr(module, "is_quiet")
