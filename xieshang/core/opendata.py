"""The open-data registry: every app that publishes records registers its datasets here (name, description, the
fields with their meaning, and the rows of one organization's year), and the statistics face writes them as CSV
and JSON in one zip with a README of the fields. Rows hold only what the public pages show, masked as they mask."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Rows = Callable[[int, int], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Dataset:
    key: str  # the files' name: <key>.csv, <key>.json
    title: Any
    description: Any
    fields: tuple[tuple[str, Any], ...]  # (column, what it holds)
    rows: Rows  # (organization_id, year) -> dicts with exactly the columns above
    order: int = 100


_datasets: dict[str, Dataset] = {}


def register(*datasets: Dataset) -> None:
    for dataset in datasets:
        _datasets[dataset.key] = dataset


def datasets() -> list[Dataset]:
    return sorted(_datasets.values(), key=lambda d: (d.order, d.key))
