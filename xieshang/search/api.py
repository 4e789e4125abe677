"""GET /api/search/: the search page's results as JSON (same service, same permissions)."""

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from xieshang.core.api import ErrorOut

from .services import search

MAX_PAGE = 10_000

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: str = ""
    type: str | None = None
    year: int | None = None
    state: str | None = None
    unit: int | None = None
    sector: int | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)


class HitOut(Schema):
    doc_type: str
    type_label: str
    object_id: int
    title_html: str
    snippet_html: str
    url: str
    score: float
    year: int | None = None
    state: str = ""


class SuggestionOut(Schema):
    query: str
    count: int
    reason: str


class SearchOut(Schema):
    query: str
    terms: list[str]
    total: int
    total_is_lower_bound: bool
    page: int
    num_pages: int
    hits: list[HitOut]
    suggestions: list[SuggestionOut]
    messages: list[str]


@router.get("/", response={200: SearchOut, 400: ErrorOut}, summary="Full-text search over what the user may see")
def search_api(request, filters: Query[SearchFilters]):
    """Every word of `q` must occur. `title_html` and `snippet_html` are escaped HTML with `<mark>` around matches."""
    f = filters.dict()
    page = f.pop("page")
    q = f.pop("q") or ""
    results = search(request.user, q, {k: v for k, v in f.items() if v}, page)
    if results.error:
        raise HttpError(400, results.error)  # a query with no searchable word
    return SearchOut(
        query=results.query,
        terms=results.terms,
        total=results.total,
        total_is_lower_bound=results.capped,
        page=results.page,
        num_pages=results.num_pages,
        hits=[h.__dict__ for h in results.hits],
        suggestions=[s.__dict__ for s in results.suggestions],
        messages=results.messages,
    )
