"""The search page kept in the shared cache (issue #18; decision 0038's pattern): the form and the results of one
query string, rendered once per reader and kept until the index moves.

- `INDEX` moves on every write of the index (documents, removals) and of the dictionary and its counters (a new word
  cuts the same query into other terms), whatever writes them (core.generations.watch); the reader's own generation
  moves when his grants change (what he may see). A hit's place (a room's name) is read from its domain and may show
  an old name for `SECONDS` at most.
- `CHOICES` moves when a handling unit or a sector is written: the filter form's lists, kept per organization.

A signed-in reader's parts are his own (the visibility of every hit is his); the public portal's are shared by every
visitor, since it shows only what is published."""

from __future__ import annotations

from typing import Any

from xieshang.core import fragments, generations

INDEX = "search:index"
CHOICES = "search:choices"
SECONDS = 300


def register() -> None:
    from xieshang.accounts.models import HandlingUnit, Sector

    from .models import DictionaryWord, SearchCounter, SearchDocument, SearchRemoval

    generations.watch_models(INDEX, [SearchDocument, SearchRemoval, DictionaryWord, SearchCounter])
    generations.watch_models(CHOICES, [HandlingUnit, Sector])


def filter_choices(organization_id: int | None) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The organization's handling units and sectors, as (pk, name), for the filter form."""
    from xieshang.accounts.models import HandlingUnit, Sector

    if organization_id is None:
        return [], []

    def build() -> Any:
        units = HandlingUnit.objects.filter(organization_id=organization_id).values_list("pk", "name")
        sectors = Sector.objects.filter(organization_id=organization_id).values_list("pk", "name")
        return list(units), list(sectors)

    return fragments.value(f"search:choices:{organization_id}", build, generations=(CHOICES,), seconds=SECONDS)
