"""Announcement pages: staff list, write, publish and follow up; a recipient's list and the page that marks his
receipt read."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission
from xieshang.core.views import act, submit

from . import selectors, services
from .forms import AnnouncementForm
from .models import Announcement
from .services._base import AnnouncementRefusal

PAGE_SIZE = 30


def _organization(request, perm: str = "announcements.manage_announcement"):
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    if not rules.has_perm(perm, request.user, organization):
        raise PermissionDenied(_("只有本会机关工作人员可以管理通知公告。"))
    return organization


def _announcement(request, pk: int, perm: str) -> Announcement:
    """The announcement if the user may `perm` it: 404 when it does not exist or he may not even see it."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("organization", "committee", "sector", "room", "created_by"), pk=pk
    )
    if not rules.has_perm("announcements.view_announcement", request.user, announcement):
        raise Http404
    if perm != "announcements.view_announcement" and not rules.has_perm(perm, request.user, announcement):
        raise PermissionDenied(_("只有本会机关工作人员可以管理通知公告。"))
    return announcement


@login_required
def announcement_list(request):
    organization = _organization(request)
    page = Paginator(selectors.for_staff(organization), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.audience_text = selectors.describe_audience(row)
    return render(request, "announcements/list.html", {"page": page})


def _form_page(request, form, announcement=None):
    return render(request, "announcements/form.html", {"form": form, "announcement": announcement}, status=400)


@login_required
@once_per_submission
def announcement_new(request):
    organization = _organization(request, "announcements.add_announcement")
    form = AnnouncementForm(request.POST or None, organization=organization)
    if request.method != "POST":
        return render(request, "announcements/form.html", {"form": form})
    return submit(
        request,
        form,
        lambda data: services.create_announcement(actor=request.user, organization=organization, **data),
        success=_("已保存通知草稿，确认无误后请发布。"),
        to=lambda announcement: announcement.get_absolute_url(),
        page=lambda form: _form_page(request, form),
    )


@login_required
def announcement_edit(request, pk: int):
    announcement = _announcement(request, pk, "announcements.manage_announcement")
    if not announcement.is_draft:
        messages.error(request, _("通知已发布，不能再修改。"))
        return redirect(announcement)
    form = AnnouncementForm(
        request.POST or None,
        organization=announcement.organization,
        initial=AnnouncementForm.initial_from(announcement),
    )
    if request.method != "POST":
        return render(request, "announcements/form.html", {"form": form, "announcement": announcement})
    return submit(
        request,
        form,
        lambda data: services.update_announcement(actor=request.user, announcement=announcement, **data),
        success=_("已保存。"),
        to=announcement.get_absolute_url(),
        page=lambda form: _form_page(request, form, announcement),
        refusals=(AnnouncementRefusal,),
    )


@login_required
def announcement_detail(request, pk: int):
    announcement = _announcement(request, pk, "announcements.view_announcement")
    manage = rules.has_perm("announcements.manage_announcement", request.user, announcement)
    receipt = selectors.receipt(request.user, announcement)
    if receipt is not None and receipt.read_at is None and not announcement.is_draft:
        services.mark_announcement_read(actor=request.user, announcement=announcement)
        receipt.refresh_from_db(fields=["read_at"])
    context = {
        "announcement": announcement,
        "audience_text": selectors.describe_audience(announcement),
        "manage": manage,
        "receipt": receipt,
    }
    if manage:
        context.update(
            counts=selectors.counts(announcement),
            unread=selectors.unread_recipients(announcement),
            read=selectors.read_recipients(announcement),
            preview=selectors.audience(announcement).count() if announcement.is_draft else None,
        )
    return render(request, "announcements/detail.html", context)


@login_required
@require_POST
def announcement_publish(request, pk: int):
    announcement = _announcement(request, pk, "announcements.manage_announcement")
    return act(
        request,
        lambda: services.publish_announcement(actor=request.user, announcement=announcement),
        success=lambda n: _("已发布，已通知 %(n)d 人。") % {"n": n},
        to=announcement,
    )


@login_required
@require_POST
def announcement_remind(request, pk: int):
    announcement = _announcement(request, pk, "announcements.manage_announcement")
    return act(
        request,
        lambda: services.remind_unread(actor=request.user, announcement=announcement),
        success=lambda n: _("已提醒 %(n)d 位未读人员。") % {"n": n},
        to=announcement,
    )


@login_required
def announcement_mine(request):
    page = Paginator(selectors.for_recipient(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "announcements/mine.html", {"page": page})
