from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ChannelForm
from .selectors import inbox
from .services import channels_for, mark_read, set_channels


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
