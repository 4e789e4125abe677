"""Names kept in rows, shown in the reader's language.

Default rows (workflow states, transitions and payload labels, proposal categories, grounds, activity kinds, holidays)
are installed from code where their names are marked with gettext_noop, so they are msgids of the catalogue. A row's
name goes through `named()` when shown: a default name comes out in the page's language, a name an organization typed
for its own copy is not in the catalogue and shows as typed. Data, exports and the API keep the stored name."""

from __future__ import annotations

from django.utils.translation import gettext


def named(value: object) -> object:
    """`value` translated when it is a catalogue msgid, else as it is (None, "" and non-strings unchanged)."""
    if not isinstance(value, str) or not value:
        return value
    return gettext(value)
