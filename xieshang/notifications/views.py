import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import follows, inbound
from .forms import ChannelForm
from .models import Follow
from .selectors import followed_on_page, inbox, may_read_sms_log, my_follows, sms_log, sms_today
from .services import channels_for, follow, follow_update, language_of, mark_read, set_channels, unfollow, unsubscribe
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


# Following: the button on each followable public page, 我的关注, and the signed unsubscribe link.


def _followable_or_404(request, kind: str, pk: int):
    entry = follows.followable(kind)
    obj = follows.target(kind, pk) if entry else None
    if entry is None or obj is None or not entry.visible(request.user, obj):
        raise Http404
    return entry, obj


def follow_button_context(request, obj, entry=None) -> dict:
    entry = entry or follows.for_model(obj)
    return {
        "follow_kind": entry.kind if entry else "",
        "follow_pk": obj.pk,
        "following": followed_on_page(request, obj),
        "follow_next": request.get_full_path(),
        "user": request.user,
    }


@require_POST
def follow_view(request, kind: str, pk: int):
    """Follow (follow=1) or stop following an object from its public page; htmx swaps the button, a plain post
    (no JavaScript) returns to the page with a message."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or request.get_full_path())
    entry, obj = _followable_or_404(request, kind, pk)
    if request.POST.get("follow") == "1":
        follow(user=request.user, obj=obj)
        done = _("已关注。动态将按日汇总发到您的站内消息，可在“我的关注”中修改。")
    else:
        unfollow(user=request.user, obj=obj)
        done = _("已取消关注。")
    if request.headers.get("HX-Request"):
        context = {**follow_button_context(request, obj, entry), "follow_message": done}
        context["follow_next"] = request.POST.get("next", "")
        return render(request, "notifications/_follow_button.html", context)
    messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = entry.url(obj)
    return redirect(target)


@login_required
def follows_view(request):
    """我的关注: what he follows, each with its frequency and channel to change, and a button to stop."""
    errors: dict[int, dict] = {}
    if request.method == "POST":
        follow_id = int(request.POST["follow"]) if request.POST.get("follow", "").isdigit() else 0
        row = Follow.objects.filter(pk=follow_id, user=request.user).first()
        if row is None:
            raise Http404
        if request.POST.get("action") == "unfollow":
            Follow.objects.filter(pk=row.pk).delete()
            messages.success(request, _("已取消关注。"))
            return redirect("notifications:follows")
        try:
            follow_update(
                user=request.user,
                follow_id=row.pk,
                frequency=request.POST.get("frequency", ""),
                channel=request.POST.get("channel", ""),
            )
        except ValidationError as exc:
            errors[row.pk] = exc.message_dict
        else:
            messages.success(request, _("关注设置已保存。"))
            return redirect("notifications:follows")
    rows = my_follows(request.user)
    for item in rows:
        item["errors"] = errors.get(item["follow"].pk, {})
        if item["errors"]:  # what he chose stays chosen beside the message
            item["frequency"] = request.POST.get("frequency", item["follow"].frequency)
            item["channel"] = request.POST.get("channel", item["follow"].channel)
        else:
            item["frequency"], item["channel"] = item["follow"].frequency, item["follow"].channel
    context = {
        "rows": rows,
        "frequencies": Follow.Frequency.choices,
        "channels": Follow.Channel.choices,
    }
    return render(request, "notifications/follows.html", context, status=400 if errors else 200)


@csrf_exempt  # the signed token is the proof; mail clients post it for one-click unsubscribe (RFC 8058)
def unsubscribe_view(request, token: str):
    """The link in every digest e-mail: no login. GET shows what it ends and one button; POST ends it. (A GET that
    acted would be clicked by the link scanners of mail servers.)"""
    read = follows.read_unsubscribe_token(token)
    if read is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user_id, follow_id = read
    done = None
    if request.method == "POST":
        done = unsubscribe(token)
    context = {
        "all": follow_id is None,
        "done": done,
        "token": token,
        "exists": Follow.objects.filter(user_id=user_id, **({"pk": follow_id} if follow_id else {})).exists(),
    }
    # In the language of the person the e-mail went to, whoever's browser opens the link.
    person = get_user_model().objects.filter(pk=user_id).first()
    with translation.override(language_of(person) if person is not None else None):
        return render(request, "notifications/unsubscribe.html", context)
