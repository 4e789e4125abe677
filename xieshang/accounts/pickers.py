"""The member picker: one form field for every "choose people" list (proposal co-signers, opinion co-authors,
consultation and activity invitations). A conference has hundreds of members, so the page renders only those
chosen; a search box finds others as one types (htmx, `accounts:member_search`), and whole groups can be chosen at
once: a sector (界别), a special committee (专委会) or the standing members (常委). A chosen group is sent as
`<name>__group` and expanded into its members when the form reads its data, so groups work without scripts too.

Who may be chosen is the field's pool: the organizations and roles the form allows. The search endpoint reads that
pool from a signed token the widget renders, so it searches exactly what the form will accept and nobody can widen
it by editing the page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MemberProfile, Sector, SpecialCommittee, User

SALT = "xieshang.accounts.member_picker"
SEARCH_LIMIT = 20
GROUP_SUFFIX = "__group"


@dataclass(frozen=True)
class Pool:
    """The people a picker offers: active users holding one of `roles` in one of `organization_ids`."""

    organization_ids: tuple[int, ...]
    roles: tuple[str, ...]

    def users(self) -> QuerySet[User]:
        return (
            User.objects.filter(
                is_active=True,
                role_grants__organization_id__in=self.organization_ids,
                role_grants__role__in=self.roles,
            )
            .distinct()
            .order_by("name", "id")
        )

    def token(self) -> str:
        return signing.dumps({"o": list(self.organization_ids), "r": list(self.roles)}, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> Pool:
        data = signing.loads(token, salt=SALT)
        return cls(tuple(int(o) for o in data["o"]), tuple(str(r) for r in data["r"]))


@dataclass(frozen=True)
class Group:
    value: str  # "sector:3", "committee:2", "standing:1"
    label: str
    kind: str


@dataclass(frozen=True)
class GroupSource:
    """Groups a domain adds to every picker (and to the roster): `matching(pool, query)` lists the groups whose name
    matches (all for ""), with values "<kind>:<key>"; `members(pool, keys)` gives the user ids in the groups of
    those keys. Registered from the domain's wiring, so the base knows no domain."""

    kind: str
    matching: Callable[[Pool, str], list[Group]]
    members: Callable[[Pool, list[str]], Iterable[int]]


_sources: dict[str, GroupSource] = {}


def register_groups(source: GroupSource) -> None:
    _sources[source.kind] = source


def _profiles(pool: Pool) -> QuerySet[MemberProfile]:
    return MemberProfile.objects.filter(organization_id__in=pool.organization_ids)


def groups_matching(pool: Pool, query: str) -> list[Group]:
    """Sectors, committees and the standing members whose name matches the query (all of them for an empty one)."""
    query = query.strip()
    sectors = Sector.objects.filter(organization_id__in=pool.organization_ids).select_related("organization")
    committees = SpecialCommittee.objects.filter(organization_id__in=pool.organization_ids)
    if query:
        sectors = sectors.filter(name__icontains=query)
        committees = committees.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    several = len(pool.organization_ids) > 1
    found = [
        Group(f"sector:{s.pk}", _("界别：%(name)s") % {"name": _qualified(s.name, s.organization, several)}, "sector")
        for s in sectors[:SEARCH_LIMIT]
    ]
    found += [
        Group(f"committee:{c.pk}", _("专委会：%(name)s") % {"name": c.name}, "committee")
        for c in committees[:SEARCH_LIMIT]
    ]
    districts = _profiles(pool).exclude(district="")
    if query:
        districts = districts.filter(district__icontains=query)
    names = sorted(set(districts.values_list("district", flat=True).distinct()[: SEARCH_LIMIT * 4]))
    found += [Group(f"district:{d}", _("区县：%(name)s") % {"name": d}, "district") for d in names[:SEARCH_LIMIT]]
    for source in _sources.values():
        found += source.matching(pool, query)
    standing = str(_("全体常委"))
    if not query or query in standing or query in "常委":
        found.append(Group("standing:all", standing, "standing"))
    return found


def _qualified(name: str, organization, several: bool) -> str:
    return f"{name}（{organization.short_name}）" if several else name


def group_members(pool: Pool, values: Iterable[str]) -> list[int]:
    """The ids of the pool's users in the chosen groups (values as rendered: "sector:3" …); unknown values ignored."""
    condition = Q()
    registered: dict[str, list[str]] = {}
    for value in values:
        kind, _sep, key = str(value).partition(":")
        if kind == "sector" and key.isdigit():
            condition |= Q(sector_id=int(key))
        elif kind == "committee" and key.isdigit():
            condition |= Q(committees__id=int(key))
        elif kind == "district" and key:
            condition |= Q(district=key)
        elif kind == "standing":
            condition |= Q(is_standing=True)
        elif kind in _sources and key:
            registered.setdefault(kind, []).append(key)
    for kind, keys in registered.items():
        condition |= Q(user_id__in=list(_sources[kind].members(pool, keys)))
    if not condition:
        return []
    user_ids = _profiles(pool).filter(condition).values_list("user_id", flat=True)
    return list(pool.users().filter(pk__in=user_ids).values_list("pk", flat=True))


def search(pool: Pool, query: str, *, exclude: Sequence[int] = ()) -> list[User]:
    """The pool's users whose name, username or sector matches the query."""
    query = query.strip()
    rows = pool.users().exclude(pk__in=list(exclude))
    if query:
        sector_users = _profiles(pool).filter(sector__name__icontains=query).values_list("user_id", flat=True)
        rows = rows.filter(Q(name__icontains=query) | Q(username__icontains=query) | Q(pk__in=sector_users))
    return list(rows[:SEARCH_LIMIT])


class MemberPicker(forms.SelectMultiple):
    """Renders the chosen people as checked boxes, a search box whose results (people and groups) join them when
    ticked, and reads `<name>__group` values as the groups' members."""

    template_name = "accounts/member_picker.html"

    def __init__(self, attrs=None, *, search_help: str = "", nojs_search: str = ""):
        super().__init__(attrs)
        self.pool: Pool | None = None
        self.search_help = search_help
        # Without scripts: a submit button of this name asks the view for results, which it hands back through
        # show_results() (the proposal form does; other forms are used with scripts on).
        self.nojs_search = nojs_search
        self.results: list[User] | None = None
        self.groups: list[Group] = []
        self.query = ""

    def show_results(self, query: str, *, exclude: Sequence[int] = ()) -> None:
        """The no-script search: render the matches for `query` under the box."""
        self.query = query
        if self.pool is not None:
            self.results = search(self.pool, query, exclude=exclude)
            self.groups = groups_matching(self.pool, query) if query.strip() else []

    def value_from_datadict(self, data, files, name):
        values = list(super().value_from_datadict(data, files, name) or [])
        groups = data.getlist(name + GROUP_SUFFIX) if hasattr(data, "getlist") else []
        if groups and self.pool is not None:
            values += [str(pk) for pk in group_members(self.pool, groups) if str(pk) not in values]
        return values

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + GROUP_SUFFIX not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        options = [o for _g, opts, _i in context["widget"]["optgroups"] for o in opts if str(o["value"]) in chosen]
        context["widget"].update(
            {
                "chosen": options,
                "search_url": reverse("accounts:member_search"),
                "pool": self.pool.token() if self.pool is not None else "",
                "search_help": self.search_help or _("输入姓名、界别或专委会；勾选结果即加入，可整组选择。"),
                "group_name": name + GROUP_SUFFIX,
                "nojs_search": self.nojs_search,
                "results": self.results,
                "groups": self.groups,
                "query": self.query,
            }
        )
        return context

    def optgroups(self, name, value, attrs=None):
        # Only the chosen ones are rendered: building hundreds of unused options would be wasted work.
        chosen = {str(v) for v in (value or [])}
        groups = super().optgroups(name, value, attrs)
        return [(g, [o for o in opts if str(o["value"]) in chosen], i) for g, opts, i in groups]


class MemberPickerField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over a Pool, shown with MemberPicker."""

    widget = MemberPicker
    default_error_messages = {
        "invalid_choice": gettext_lazy("所选人员不在可选范围内：%(value)s。"),
    }

    def __init__(self, *, pool: Pool | None = None, **kwargs):
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(**kwargs)
        if pool is not None:
            self.set_pool(pool)

    def set_pool(self, pool: Pool) -> None:
        self.queryset = pool.users()
        self.widget.pool = pool

    def label_from_instance(self, obj):
        return obj.display_name
