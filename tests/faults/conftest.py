"""Fault test results are shown after the run (pytest keeps a passing test's output to itself), one JSON line each."""

from tests.faults import harness


def pytest_terminal_summary(terminalreporter):
    if harness.RESULTS:
        terminalreporter.section("fault tests")
        for line in harness.RESULTS:
            terminalreporter.write_line(line)
