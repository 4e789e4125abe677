"""Upload safety: zip bombs refused before parsing, parsing bounded in memory and time, over-size bodies refused
before they are read."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory

from xieshang.core.middleware import RequestSizeLimitMiddleware
from xieshang.core.uploads import LimitedUploadHandler, run_limited, upload_problem


def _docx(unpacked_mb: int) -> bytes:
    """A .docx whose document.xml unpacks to `unpacked_mb` MB of repeated bytes (a zip bomb for 300)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"<w:t>" + b"0" * (1024 * 1024 - 5)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return buffer.getvalue()


def test_the_300_mb_docx_bomb_is_refused_with_a_clear_message():
    data = _docx(300)
    assert len(data) < 400 * 1024  # about 300 KB on disk
    problem = upload_problem(SimpleUploadedFile("材料.docx", data), allowed=["docx"], max_mb=20)
    assert problem is not None and "“材料.docx”解压后达 300 MB" in problem


def test_a_high_ratio_under_the_size_limit_is_refused_too():
    problem = upload_problem(SimpleUploadedFile("a.docx", _docx(50)), allowed=["docx"])
    assert problem is not None and "压缩比异常" in problem


def test_an_ordinary_docx_passes():
    from docx import Document

    document = Document()
    document.add_paragraph("社区停车难问题协商材料" * 50)
    buffer = io.BytesIO()
    document.save(buffer)
    assert upload_problem(SimpleUploadedFile("ok.docx", buffer.getvalue()), allowed=["docx"]) is None


def _allocate(mb):
    return len(bytearray(mb * 1024 * 1024))


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


def test_parsing_runs_within_a_memory_and_a_time_limit():
    assert run_limited(_allocate, 10, memory_mb=256) == 10 * 1024 * 1024
    assert run_limited(_allocate, 1024, memory_mb=128) is None  # out of memory in the child, the parent unharmed
    started = time.monotonic()
    assert run_limited(_sleep, 30, seconds=1) is None
    assert time.monotonic() - started < 10


class _CountingInput(io.BytesIO):
    read_bytes = 0

    def read(self, *args):
        data = super().read(*args)
        self.read_bytes += len(data)
        return data

    def readline(self, *args):
        data = super().readline(*args)
        self.read_bytes += len(data)
        return data


@pytest.mark.django_db
def test_a_60_mb_upload_is_refused_before_its_body_is_read():
    body = _CountingInput(b"x" * 1024)
    request = RequestFactory().post("/consultations/1/materials/", content_type="multipart/form-data; boundary=B")
    request.META["CONTENT_LENGTH"] = str(60 * 1024 * 1024)
    request.META["wsgi.input"] = body
    request._stream = body
    middleware = RequestSizeLimitMiddleware(lambda r: pytest.fail("the view must not run"))
    response = middleware(request)
    assert response.status_code == 413 and body.read_bytes == 0
    assert "50.0" in response.content.decode()


def test_the_stream_handler_stops_past_the_limit(settings):
    settings.XIESHANG_MAX_UPLOAD_BYTES = 1000
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.receive_data_chunk(b"x" * 600, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 600, 600)
    assert request._xieshang_upload_too_large
