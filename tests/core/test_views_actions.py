"""core.views.act and core.views.submit: the one shape of a posted action and a posted form. A refusal shows its
message (the service's text, translated by the service in the user's language) and changes nothing; a rejected
form comes back with the errors beside its fields and what was typed; success redirects with its message."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from xieshang.core.views import act, submit
from xieshang.workflow.exceptions import Conflict


def _request(data=None):
    request = RequestFactory().post("/x/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _refuse(exc):
    def call(*_args):
        raise exc

    return call


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (ValidationError("名额已满。"), "名额已满。"),
        (ValidationError({"reason": ["请填写理由。"], "date": ["日期无效。"]}), "请填写理由。；日期无效。"),
        (Conflict("已被他人处理。"), "已被他人处理。"),
        (PermissionDenied(), "您没有执行此操作的权限。"),
    ],
)
def test_act_shows_the_refusal_and_redirects(db, exc, text):
    request = _request()
    response = act(request, _refuse(exc), success="已完成。", to="/done/")
    assert response.status_code == 302 and response.url == "/done/"
    assert _said(request) == [("error", text)]


def test_act_shows_success_from_the_result(db):
    request = _request()
    response = act(request, lambda: 3, success=lambda n: f"已处理 {n} 件。", to="/done/")
    assert response.url == "/done/" and _said(request) == [("success", "已处理 3 件。")]


def test_act_lets_other_refusals_through_when_told(db):
    with pytest.raises(PermissionDenied):
        act(_request(), _refuse(PermissionDenied()), success=None, to="/", refusals=(ValidationError,))


class ReasonForm(forms.Form):
    reason = forms.CharField()
    note = forms.CharField(required=False)


def _page(form):
    return HttpResponse(repr(sorted(form.errors.items())), status=400)


def test_submit_puts_the_service_errors_beside_the_fields_and_keeps_what_was_typed(db):
    request = _request({"reason": "太晚", "note": "备注"})
    form = ReasonForm(request.POST)
    refusal = ValidationError({"reason": "理由太短。", "elsewhere": "另有原因。"})
    response = submit(request, form, _refuse(refusal), success="已保存。", to="/", page=_page)
    assert response.status_code == 400
    assert form.errors["reason"] == ["理由太短。"] and form.errors["__all__"] == ["另有原因。"]
    assert form.data["reason"] == "太晚" and form.data["note"] == "备注"
    assert _said(request) == []


def test_submit_puts_other_refusals_on_top_of_the_form_when_asked(db):
    request = _request({"reason": "理由"})
    form = ReasonForm(request.POST)
    response = submit(
        request, form, _refuse(Conflict("已被他人处理。")), success="", to="/", page=_page, refusals=(Conflict,)
    )
    assert response.status_code == 400 and form.errors["__all__"] == ["已被他人处理。"]
    with pytest.raises(Conflict):
        submit(
            _request({"reason": "理由"}),
            ReasonForm({"reason": "理由"}),
            _refuse(Conflict("x")),
            success="",
            to="/",
            page=_page,
        )


def test_submit_runs_the_service_with_the_cleaned_data_and_redirects(db):
    request = _request({"reason": "理由"})
    seen = []
    response = submit(
        request, ReasonForm(request.POST), seen.append, success="已保存。", to=lambda _result: "/saved/", page=_page
    )
    assert response.url == "/saved/" and seen == [{"reason": "理由", "note": ""}]
    assert _said(request) == [("success", "已保存。")]


def test_submit_shows_an_invalid_form_without_calling_the_service(db):
    request = _request({})
    called = []
    response = submit(request, ReasonForm(request.POST), called.append, success="", to="/", page=_page)
    assert response.status_code == 400 and not called
