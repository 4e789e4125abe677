"""Helpers shared by the proposal pages."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.views import refusal_text  # noqa: F401 (the pages' import)

PER_PAGE = 30


def org_or_404(request):
    if getattr(request, "organization", None) is None:
        raise Http404
    return request.organization


def need(request, perm: str, obj=None) -> None:
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def need_role(request, organization, *roles) -> None:
    if not any(has_role(request.user, role, organization) for role in roles):
        raise PermissionDenied


class ReversingPaginator(Paginator):
    """Pages in the second half are read from the other end: the last page of a 30,000-row queue is then the first
    rows of the reversed order (an index walked backwards), not the rows after an OFFSET of 29,970 that the database
    has to sort or walk through. The rows and their order are the same."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom <= self.count // 2 or not getattr(rows, "ordered", False):
            return super().page(number)
        found = list(rows.reverse()[self.count - top : self.count - bottom])
        found.reverse()
        return self._get_page(found, number, self)


def paginate(request, queryset, per_page: int = PER_PAGE):
    return ReversingPaginator(queryset, per_page).get_page(request.GET.get("page"))


STAFF = Role.PROPOSALS_STAFF
