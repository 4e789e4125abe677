# The proposals' world (members, staff, a leader, units) and its calendar reset serve these tests too.
from tests.proposals.conftest import _fresh_calendar, world  # noqa: F401
