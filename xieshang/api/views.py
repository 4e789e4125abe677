"""接口访问令牌: the signed-in member's or staff's own personal access tokens (create, list, revoke), under his
account pages beside 我的个人信息. The secret is shown once, on the page the creation lands on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.accounts.selectors import may_hold_api_tokens
from xieshang.core.idempotency import once_per_submission

from . import scopes, tokens
from .forms import TokenForm

# The secret of the token just created travels to the next page view in the session, and is removed as it is shown.
SESSION_NEW_SECRET = "xieshang_new_api_token"


def _page(request, form=None, status=200):
    new_secret = request.session.pop(SESSION_NEW_SECRET, None) if form is None else None
    rows = tokens.tokens_for_user(request.user)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form or TokenForm(),
            "tokens": [(t, scopes.labels(t.scopes)) for t in rows],
            "new_secret": new_secret,
            "max_days": tokens.max_days(),
        },
        status=status,
    )


def _eligible(request):
    if not may_hold_api_tokens(request.user):
        raise PermissionDenied(_("只有委员和工作人员可以使用接口访问令牌。"))


@login_required
@once_per_submission
def tokens_view(request):
    _eligible(request)
    if request.method != "POST":
        return _page(request)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = tokens.token_create(
                actor=request.user,
                organization=getattr(request, "organization", None),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            request.session[SESSION_NEW_SECRET] = {"secret": secret, "name": token.name, "id": token.pk}
            messages.success(request, _("令牌已创建。"))
            return redirect("api_tokens:list")
    return _page(request, form, status=400)


@login_required
@require_POST
def revoke_view(request, pk):
    _eligible(request)
    try:
        token = tokens.token_revoke(actor=request.user, token_id=pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("令牌“%(name)s”已撤销，使用它的程序将无法再访问。") % {"name": token.name})
    return redirect("api_tokens:list")
