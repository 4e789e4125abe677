"""The proposal pages' cached parts (decision 0038's pattern and addendum; issue #18): the review queue, the unit
inbox, the proposal page, the public list and proposal and the statistics are rendered once (the API list and the
workbench sections kept as values) and kept in the shared cache under the generation `GENERATION`, which every write
of what they show advances:

- any write of a table of the proposals app (proposals, assignments, replies, co-signatures, ratings, contacts,
  categories, settings …), however it is written — a save, a delete, a service's `QuerySet.update` or `bulk_create`:
  the statement itself moves it (core.generations.watch);
- what the rows show from other apps, written the same ways: a handling unit, a sector, a workflow's states,
  transitions and events, an organization, the routing suggestions (the statistics), the opinion report a proposal
  became and the outcomes tracking a reply's promise (the proposal page); and a person's name, by the save signal (a
  sign-in's `last_login` writes the same table and moves nothing).

One generation for all organizations: a write anywhere renders the parts anew (a city's platform writes proposals a
few times a minute at most; reading is what happens thousands of times). A part is kept `SECONDS` at most: a bound on
what a write past the database connection (another program) leaves visible. Parts and values are built from the primary
database, never a lagging replica (decision 0042): the parts and lists that main marked lag-tolerant are kept here
instead, and a kept part is as fresh as the primary was when its generation last moved."""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from xieshang.core import fragments, generations

GENERATION = "proposals:pages"
SECONDS = 300
NAME_FIELDS = {"name", "first_name", "last_name", "username"}


def changed(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    generations.advance(GENERATION, using=using)


def _user_changed(sender: Any, using: str = "default", update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and not set(update_fields) & NAME_FIELDS:
        return  # a sign-in (last_login), a password or a flag: no proposal page shows it
    changed(using=using)


def register() -> None:
    from xieshang.accounts.models import HandlingUnit, Organization, Sector, User

    watched = [
        *apps.get_app_config("proposals").get_models(include_auto_created=True),
        HandlingUnit,
        Sector,
        Organization,
    ]
    watched += list(apps.get_app_config("workflow").get_models())
    watched.append(apps.get_model("search", "RoutingSuggestion"))  # the statistics' routing figures
    # The proposal page shows the report a proposal was handed over as, and the outcomes tracking a reply's promise.
    watched += [apps.get_model("opinions", "Report"), apps.get_model("consultations", "Outcome")]
    # Every write of those tables, a service's bulk update included, moves the generation (core.generations.watch).
    generations.watch_models(GENERATION, watched)
    post_save.connect(_user_changed, sender=User, dispatch_uid="proposals.pages.user")
    post_delete.connect(changed, sender=User, dispatch_uid="proposals.pages.user.deleted")


def part(request: Any, template: str, build: Any, *vary: Any, reader: Any = None) -> fragments.Part:
    """The part of `template` from the cache, else `build()` rendered: varied by the language, today (the overdue
    marks), the sorted query string and `vary`; `reader` (a user id) adds his own generation (grants, units)."""
    names = (GENERATION,) if reader is None else (GENERATION, generations.for_user(reader))
    key = ":".join(str(p) for p in (get_language(), timezone.localdate(), fragments.query_key(request), reader, *vary))
    return fragments.cached(request, template, build, vary=key, generations=names, seconds=SECONDS)


def value(name: str, build: Any, *vary: Any, reader: Any = None) -> Any:
    """A value (a workbench section) kept like a part: under the generation, the language, today, `vary` and the
    reader's generation; `build()` runs only when it is missing or was kept under older generations."""
    names = (GENERATION,) if reader is None else (GENERATION, generations.for_user(reader))
    varied = ":".join(str(p) for p in (get_language(), timezone.localdate(), reader, *vary))
    key = f"proposals:value:{name}:{hashlib.blake2b(varied.encode(), digest_size=16).hexdigest()}"
    return fragments.value(key, build, generations=names, seconds=SECONDS)
