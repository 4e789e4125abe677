"""The 我的个人信息 page (what the platform holds about the signed-in person, the download, the deletion request)
and the security administrator's page for carrying out a request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from . import personal_data
from .forms import DeletionCarryOutForm, DeletionRequestForm
from .models import DataRequest
from .selectors import may_hold_api_tokens


def _page(request, form=None, status=200):
    user = request.user
    return render(
        request,
        "accounts/personal_data.html",
        {
            "categories": personal_data.categories(user),
            "pending": personal_data.pending_request(user),
            "may_request": personal_data.may_request_deletion(user),
            "form": form or DeletionRequestForm(),
            "may_hold_api_tokens": may_hold_api_tokens(user),
        },
        status=status,
    )


@login_required
def personal_data_view(request):
    return _page(request)


@login_required
def personal_data_download(request):
    data = personal_data.export_zip(actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
    return response


@login_required
@sensitive_post_parameters("password")
def deletion_request_view(request):
    if request.method != "POST":
        return redirect("accounts:personal_data")
    form = DeletionRequestForm(request.POST)
    if form.is_valid():
        try:
            personal_data.deletion_request(actor=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc.message_dict.get("password"))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("删除申请已提交，安全管理员将在期限内办理，办理后您的账户将停用。"))
            return redirect("accounts:personal_data")
    return _page(request, form, status=400)


def _request_for(user, pk) -> DataRequest:
    """A deletion request of one of the user's organizations that he may carry out; 404 for any other."""
    data_request = DataRequest.objects.select_related("user", "organization").filter(pk=pk).first()
    if data_request is None or not personal_data.may_carry_out(user, data_request):
        if data_request is not None:
            personal_data.record_denied(actor=user, request=data_request)
        raise Http404
    return data_request


@login_required
def data_request_view(request, pk):
    data_request = _request_for(request.user, pk)
    form = DeletionCarryOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and data_request.status == DataRequest.Status.PENDING and form.is_valid():
        personal_data.deletion_carry_out(actor=request.user, request=data_request)
        messages.success(request, _("已删除该用户的个人信息，账户已停用。"))
        return redirect("accounts:data_request", pk=data_request.pk)
    return render(
        request,
        "accounts/data_request.html",
        {
            "data_request": data_request,
            "form": form,
            "categories": personal_data.categories(data_request.user)
            if data_request.status == DataRequest.Status.PENDING
            else [],
        },
    )
