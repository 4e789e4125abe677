import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import inbound
from .forms import ChannelForm
from .selectors import inbox, may_read_sms_log, sms_log, sms_today
from .services import channels_for, mark_read, set_channels
from .sms import get_gateway


@login_required
def inbox_view(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox(request.user, unread_only=unread_only), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read_view(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_read(user=request.user, notification_ids=ids)
    return redirect(request.POST.get("next") or "notifications:inbox")


@login_required
def preferences_view(request):
    email, sms = channels_for(request.user, "")
    form = ChannelForm(request.POST or None, initial={"email": email, "sms": sms})
    if request.method == "POST" and form.is_valid():
        set_channels(user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
        messages.success(request, _("通知方式已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
@require_POST
def sms_inbound_view(request):
    """The SMS provider posts the replies people sent (bearer token SMS_INBOUND_TOKEN); each is handled once."""
    token = settings.SMS_INBOUND_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"error": "unauthorized"}, status=401)
    try:
        rows = get_gateway().inbound(request)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    results = [inbound.receive(provider_id=pid, phone=phone, text=text) for pid, phone, text in rows]
    return JsonResponse({"received": [{"id": r.provider_id, "result": r.result} for r in results]})


@login_required
def sms_log_view(request):
    """The organization's SMS both ways: what went out (notices, with their reply codes) and the replies that came
    back with what was made of them. Phone numbers masked."""
    organization = getattr(request, "organization", None)
    if organization is None or not may_read_sms_log(request.user, organization):
        raise PermissionDenied(_("您无权查看短信记录。"))
    direction = "in" if request.GET.get("direction") == "in" else "out"
    phone = "".join(ch for ch in request.GET.get("phone", "") if ch.isdigit())[:20]
    rows = sms_log(organization, direction=direction, phone=phone)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "direction": direction, "phone": phone, "today": sms_today(organization)}
    return render(request, "notifications/sms_log.html", context)
