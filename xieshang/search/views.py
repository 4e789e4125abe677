import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.audit.context import current_ip
from xieshang.core import dbrouter, fragments, generations, limits

from . import kept
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
    return _kept_page(request, request.user, organization, reverse("search:search"), reader=request.user.pk)


def public_search_view(request):
    """The portal's search, for anyone signed in or not: only what the portal publishes (public consultations and
    their reported minutes, proposals and replies the office published), whoever asks. Bounded per client address."""
    if "q" in request.GET:
        flood = limits.hit("public_search", address=current_ip.get())
        if flood:
            form = SearchForm(request.GET, organization=None)
            context = {"form": form, "results": None, "action": reverse("search:public"), "public": True}
            context["refusal"] = limits.wait_text(flood)
            return render(request, "search/search.html", context, status=429)
    return _kept_page(request, AnonymousUser(), None, reverse("search:public"), reader=None, public=True)


def _kept_page(request, user, organization, action: str, *, reader: int | None, public: bool = False):
    """The form and the results of this query string, kept per reader (search.kept): built only on a miss."""
    searching = "q" in request.GET
    partial = bool(request.headers.get("HX-Request")) and searching  # htmx asks for the results alone

    def build() -> dict:
        form = SearchForm(request.GET or None, organization=organization)
        results = None
        if form.is_bound and searching:
            q = form.cleaned_data.get("q", "") if form.is_valid() else request.GET.get("q", "")
            with dbrouter.lag_tolerant():  # the index may lag by the replica's delay (decision 0042)
                results = search(user, q, form.filters(), _page_of(request))
        page = _ResultsPage(results) if results else None
        return {"form": form, "results": results, "page": page, "action": action, "public": public}

    names = (kept.INDEX, kept.CHOICES) + ((generations.for_user(reader),) if reader is not None else ())
    query = fragments.query_key(request)
    vary = ":".join(str(p) for p in (get_language(), query, getattr(organization, "pk", None), reader, public))
    template = "search/_results.html" if partial else "search/_search_part.html"
    part = fragments.cached(request, template, build, vary=vary, generations=names, seconds=kept.SECONDS)
    if partial:
        return HttpResponse(part.html)
    return render(request, "search/search.html", {"body": part.html, "public": public})


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
