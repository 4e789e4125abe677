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
from django.views.decorators.http import require_POST

from xieshang.core.privacy import mask_phone

from . import personal_data
from .forms import DeletionCarryOutForm, DeletionDeclineForm, DeletionRequestForm
from .models import DataRequest
from .selectors import may_hold_api_tokens
from .services import SmsCodeError, client_address


def _page(request, form=None, status=200, sms_status=""):
    user = request.user
    return render(
        request,
        "accounts/personal_data.html",
        {
            "categories": personal_data.categories(user),
            "pending": personal_data.pending_request(user),
            "closed": personal_data.last_closed_request(user),
            "may_request": personal_data.may_request_deletion(user),
            "form": form or DeletionRequestForm(),
            "sms_status": sms_status,
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
@sensitive_post_parameters("password", "code")
def deletion_request_view(request):
    if request.method != "POST":
        return redirect("accounts:personal_data")
    if request.POST.get("action") == "send":
        # A code to confirm with, instead of the password; the confirmation tick is kept, nothing is checked yet.
        form = DeletionRequestForm(initial={"confirm": request.POST.get("confirm") == "on"})
        try:
            personal_data.deletion_code_send(actor=request.user, address=client_address(request))
        except SmsCodeError as exc:
            form.add_error("code", str(exc))
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code"))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            masked = mask_phone(request.user.phone or "")
            return _page(request, form, sms_status=_("验证码已发送到 %(phone)s。") % {"phone": masked})
        return _page(request, form, status=400)
    form = DeletionRequestForm(request.POST)
    if form.is_valid():
        try:
            personal_data.deletion_request(
                actor=request.user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("删除申请已提交，安全管理员将在期限内办理，办理后您的账户将停用。"))
            return redirect("accounts:personal_data")
    return _page(request, form, status=400)


@login_required
@require_POST
def deletion_withdraw_view(request):
    pending = personal_data.pending_request(request.user)
    if pending is not None:
        personal_data.deletion_withdraw(actor=request.user, request=pending)
        messages.success(request, _("删除申请已撤回，您的账户和信息保持不变。"))
    return redirect("accounts:personal_data")


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
    action = request.POST.get("action", "carry_out") if request.method == "POST" else None
    form = DeletionCarryOutForm(request.POST if action == "carry_out" else None)
    decline_form = DeletionDeclineForm(request.POST if action == "decline" else None)
    pending = data_request.status == DataRequest.Status.PENDING
    if action == "carry_out" and pending and form.is_valid():
        personal_data.deletion_carry_out(actor=request.user, request=data_request)
        messages.success(request, _("已删除该用户的个人信息，账户已停用。"))
        return redirect("accounts:data_request", pk=data_request.pk)
    if action == "decline" and pending and decline_form.is_valid():
        try:
            personal_data.deletion_decline(
                actor=request.user, request=data_request, reason=decline_form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            decline_form.add_error("reason", exc.message_dict.get("reason"))
        else:
            messages.success(request, _("已不予办理，申请人将收到通知和理由。"))
            return redirect("accounts:data_request", pk=data_request.pk)
    return render(
        request,
        "accounts/data_request.html",
        {
            "data_request": data_request,
            "form": form,
            "decline_form": decline_form,
            "categories": personal_data.categories(data_request.user) if pending else [],
        },
    )
