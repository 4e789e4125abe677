"""Staff pages for the portal's reports and photos of a consultation or a room: write, edit, publish, unpublish,
upload. Every write goes through the services; a refused form comes back with its errors beside the fields and what
was typed kept (a browser never re-sends a chosen file, so the photo must be chosen again)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xieshang.core.idempotency import once_per_submission

from . import selectors, services
from .forms import ArticleEditForm, ArticleForm, PhotoForm, apply_errors
from .models import Article, Photo, Room


def _parent(request, kind: str, pk: int):
    if kind == "consultation":
        parent = selectors.get_consultation_for_user(request.user, pk)
    else:
        parent = get_object_or_404(Room.objects.select_related("community"), pk=pk)
    if not rules.has_perm("consultations.add_media", request.user, parent):
        raise PermissionDenied
    return parent


def _media_url(parent) -> str:
    if isinstance(parent, Room):
        return reverse("consultations:room_media", args=[parent.pk])
    return reverse("consultations:media", args=[parent.pk])


def _page(request, parent, *, article_form=None, photo_form=None, status=200):
    articles, photos = selectors.media_for_staff(request.user, parent)
    return render(
        request,
        "consultations/media.html",
        {
            "parent": parent,
            "is_room": isinstance(parent, Room),
            "media_url": _media_url(parent),
            "articles": articles,
            "photos": photos,
            "article_form": article_form or ArticleForm(),
            "photo_form": photo_form or PhotoForm(),
        },
        status=status,
    )


@login_required
def media_page(request, pk: int, kind: str = "consultation"):
    return _page(request, _parent(request, kind, pk))


@login_required
@require_POST
@once_per_submission
def article_create_view(request, pk: int, kind: str = "consultation"):
    parent = _parent(request, kind, pk)
    form = ArticleForm(request.POST)
    if form.is_valid():
        try:
            article = services.article_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("报道已发布。") if article.is_published else _("报道已保存，尚未发布。"))
            return redirect(_media_url(parent))
    return _page(request, parent, article_form=form, status=400)


@login_required
@require_POST
@once_per_submission
def photo_create_view(request, pk: int, kind: str = "consultation"):
    parent = _parent(request, kind, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo = services.photo_add(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("图片已发布。") if photo.is_published else _("图片已上传，尚未发布。"))
            return redirect(_media_url(parent))
    return _page(request, parent, photo_form=form, status=400)


def _article(request, pk):
    article = get_object_or_404(Article.objects.select_related("consultation", "room"), pk=pk)
    if not rules.has_perm("consultations.change_media", request.user, article):
        raise PermissionDenied
    return article


@login_required
def article_edit_view(request, pk: int):
    article = _article(request, pk)
    form = ArticleEditForm(request.POST or None, initial={"title": article.title, "body": article.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(actor=request.user, article=article, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("报道已修改。"))
            return redirect(_media_url(article.parent))
    return render(
        request,
        "consultations/article_form.html",
        {"article": article, "form": form, "media_url": _media_url(article.parent)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def article_publish_view(request, pk: int):
    article = _article(request, pk)
    published = request.POST.get("published") == "1"
    services.article_set_published(actor=request.user, article=article, published=published)
    messages.success(request, _("报道已发布。") if published else _("报道已撤下，不再公开显示。"))
    return redirect(_media_url(article.parent))


@login_required
@require_POST
def photo_publish_view(request, pk: int):
    photo = get_object_or_404(Photo.objects.select_related("consultation", "room"), pk=pk)
    if not rules.has_perm("consultations.change_media", request.user, photo):
        raise PermissionDenied
    published = request.POST.get("published") == "1"
    services.photo_set_published(actor=request.user, photo=photo, published=published)
    messages.success(request, _("图片已发布。") if published else _("图片已撤下，不再公开显示。"))
    return redirect(_media_url(photo.parent))
