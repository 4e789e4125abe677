import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.audit.context import current_ip
from xieshang.core import dbrouter, limits

from .dictionary import add_word, remove_word
from .forms import DictionaryWordForm, SearchForm
from .models import DictionaryWord
from .selectors import dictionary_words
from .services import search


class _ResultsPage:
    """What includes/pagination.html reads, for a result list whose total comes from the search itself."""

    def __init__(self, results):
        self.number = results.page
        self.paginator = type("P", (), {"num_pages": results.num_pages})()
        self.has_previous = results.page > 1
        self.has_next = results.page < results.num_pages
        self.previous_page_number = results.page - 1
        self.next_page_number = results.page + 1


def _page_of(request) -> int:
    try:
        return int(request.GET.get("page", 1))
    except ValueError:
        return 1


@login_required
def search_view(request):
    if not rules.has_perm("search.search", request.user):
        raise PermissionDenied
    organization = getattr(request, "organization", None)
    form = SearchForm(request.GET or None, organization=organization)
    results = None
    if form.is_bound and "q" in request.GET:
        q = form.cleaned_data.get("q", "") if form.is_valid() else request.GET.get("q", "")
        with dbrouter.lag_tolerant():  # the index may lag by the replica's delay (decision 0042)
            results = search(request.user, q, form.filters(), _page_of(request))
    return _render(request, form, results, reverse("search:search"))


def public_search_view(request):
    """The portal's search, for anyone signed in or not: only what the portal publishes (public consultations and
    their reported minutes, proposals and replies the office published), whoever asks. Bounded per client address."""
    form = SearchForm(request.GET or None, organization=None)
    results, refusal = None, ""
    if form.is_bound and "q" in request.GET:
        q = form.cleaned_data.get("q", "") if form.is_valid() else request.GET.get("q", "")
        flood = limits.hit("public_search", address=current_ip.get())
        if flood:
            refusal = limits.wait_text(flood)
        else:
            with dbrouter.lag_tolerant():
                results = search(AnonymousUser(), q, form.filters(), _page_of(request))
    response = _render(request, form, results, reverse("search:public"), public=True, refusal=refusal)
    if refusal:
        response.status_code = 429
    return response


def _render(request, form, results, action: str, **extra):
    context = {
        "form": form,
        "results": results,
        "page": _ResultsPage(results) if results else None,
        "action": action,
        **extra,
    }
    template = "search/_results.html" if request.headers.get("HX-Request") and results else "search/search.html"
    return render(request, template, context)


@login_required
def dictionary_view(request):
    organization = getattr(request, "organization", None)
    if organization is None or not rules.has_perm("search.change_dictionaryword", request.user, organization):
        raise PermissionDenied
    form = DictionaryWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = add_word(
            actor=request.user,
            word=form.cleaned_data["word"],
            organization=organization,
            kind=form.cleaned_data["kind"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, _("已加入词典：%(word)s。检索和索引立即按新词切分。") % {"word": entry.word})
        return redirect("search:dictionary")
    words = Paginator(dictionary_words(organization), 100).get_page(request.GET.get("page"))
    return render(request, "search/dictionary.html", {"form": form, "page": words, "organization": organization})


@login_required
@require_POST
def dictionary_delete_view(request, pk):
    entry = get_object_or_404(DictionaryWord, pk=pk)
    if not rules.has_perm("search.delete_dictionaryword", request.user, entry):
        raise PermissionDenied
    remove_word(actor=request.user, entry=entry)
    messages.success(request, _("已从词典删除：%(word)s。") % {"word": entry.word})
    return redirect("search:dictionary")
