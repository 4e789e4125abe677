"""Fault test results are shown after the run (pytest keeps a passing test's output to itself), one JSON line each."""

import pytest

from tests.faults import harness


def pytest_collection_modifyitems(items):
    # Under pytest-xdist (make test) the fault tests run one after another on one worker: each starts servers of its
    # own and kills processes, and two at once would share ports and starve each other's timing.
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(pytest.mark.xdist_group("faults"))


def pytest_terminal_summary(terminalreporter):
    if harness.RESULTS:
        terminalreporter.section("fault tests")
        for line in harness.RESULTS:
            terminalreporter.write_line(line)
