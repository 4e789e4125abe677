from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from . import selectors


@login_required
def my_record_view(request):
    """我的履职: the signed-in member's entries in the current organization, one year at a time."""
    organization = request.organization
    years = selectors.years_for_member(request.user, organization)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[0] if years else timezone.localdate().year
    entries = list(selectors.entries_for_member(request.user, organization, year))
    return render(
        request,
        "duties/mine.html",
        {
            "entries": entries,
            "totals": selectors.totals_for_member(request.user, organization, year),
            "year": year,
            "years": years,
        },
    )
