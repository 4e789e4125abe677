"""The live stream of a public consultation: Server-Sent Events, one endpoint per consultation (decision 0039).

What a viewer sees changing (the meeting's state, the question queue, the speakers, the quick votes' results) is the
same for everyone, so it is rendered once per change and per language, and sent as four named events (`meeting`,
`questions`, `speakers`, `votes`), each carrying the section's whole HTML: a viewer that reconnects, or that missed
an event, is whole again with the next one (nothing to replay, nothing counted twice).

Served by an ASGI server (xieshang/asgi.py), one `Hub` per process holds every open stream of that process: it asks
the database for the versions of the consultations being watched, one query per interval for all of them (or is woken
at once by a Redis message when REDIS_URL is set), renders a changed consultation once and puts the changed sections
on each viewer's queue. A viewer costs a queue and a socket, no thread and no query.

Under WSGI (runserver, the tests' live server, a gunicorn without the ASGI route) the same view streams from a plain
generator that polls its own consultation's version: correct, one thread per viewer, for development only."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import Http404, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from xieshang.core.http import background_request

from .models import LiveQuestion, LiveStage, QuickVote, SpeakRequest

logger = logging.getLogger(__name__)

SECTIONS = ("meeting", "questions", "speakers", "votes")
CHANNEL = "xieshang:live"  # Redis channel on which services.live publishes the consultation changed
ANSWERED_SHOWN = 20
QUEUE_SIZE = 64  # events a slow viewer may fall behind by before its stream is closed (the browser reconnects)


# --------------------------------------------------------------------------------------------------- the snapshot
def snapshot(consultation_id: int) -> dict[str, Any] | None:
    """What every viewer sees, read in a fixed number of queries; None when the consultation is not public live."""
    stage = LiveStage.objects.filter(
        consultation_id=consultation_id, is_public=True, consultation__is_public=True
    ).first()
    if stage is None:
        return None
    questions = list(
        LiveQuestion.objects.filter(consultation_id=consultation_id, status=LiveQuestion.Status.APPROVED).order_by(
            "position", "id"
        )
    )
    speakers = list(
        SpeakRequest.objects.filter(
            consultation_id=consultation_id, status__in=[SpeakRequest.Status.WAITING, SpeakRequest.Status.SPEAKING]
        )
        .select_related("user")
        .order_by("position", "id")
    )
    votes = list(QuickVote.objects.filter(consultation_id=consultation_id).prefetch_related("options"))
    pending = LiveQuestion.objects.filter(consultation_id=consultation_id, status=LiveQuestion.Status.PENDING).count()
    speaking = next((s for s in speakers if s.status == SpeakRequest.Status.SPEAKING), None)
    for vote in votes:
        options = list(vote.options.all())
        vote.total = sum(o.count for o in options)
        for o in options:
            o.percent = round(100 * o.count / vote.total) if vote.total else 0
        vote.option_list = options
    return {
        "stage": stage,
        "version": stage.version,
        "answering": [q for q in questions if q.stage == LiveQuestion.Stage.ANSWERING],
        "queued": [q for q in questions if q.stage == LiveQuestion.Stage.QUEUED],
        "answered": [q for q in questions if q.stage == LiveQuestion.Stage.ANSWERED][-ANSWERED_SHOWN:],
        "speaking": speaking,
        "speaking_until": speaking.floor_at + timedelta(seconds=speaking.seconds) if speaking else None,
        "waiting": [s for s in speakers if s.status == SpeakRequest.Status.WAITING],
        "votes": votes,
        "pending": pending,
    }


def render_sections(context: dict[str, Any]) -> dict[str, dict[str, str]]:
    """language → section → HTML of that section."""
    out: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = {
                name: render_to_string(f"consultations/live/_{name}.html", context).strip() for name in SECTIONS
            }
    return out


Frames = dict[str, dict[str, tuple[str, bytes]]]  # language → section → (its HTML, its SSE frame)


def frames(consultation_id: int) -> tuple[int, Frames] | None:
    """(version, language → section → (HTML, SSE frame)), or None when the consultation is not public live. A section
    is sent again only when its HTML changed (the version in the frame says which state it shows)."""
    context = snapshot(consultation_id)
    if context is None:
        return None
    version = context["version"]
    rendered = render_sections(context)
    return version, {
        lang: {name: (html, event(name, {"v": version, "html": html})) for name, html in sections.items()}
        for lang, sections in rendered.items()
    }


def changed_frames(before: Frames | None, after: Frames, language: str) -> list[bytes]:
    old = before.get(language, {}) if before else {}
    return [frame for name, (html, frame) in after.get(language, {}).items() if name not in old or old[name][0] != html]


def event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def versions(ids: list[int]) -> dict[int, int]:
    return dict(LiveStage.objects.filter(consultation_id__in=ids).values_list("consultation_id", "version"))


HEAD = b"retry: 2000\n\n"
GONE = event("gone", {})


# ------------------------------------------------------------------------------------------------ the async hub
# The hub's reads run on one thread of their own (one database connection per process), outside any request.
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-hub")


def _read(fn):
    return sync_to_async(fn, thread_sensitive=False, executor=_READER)


class Hub:
    """One per process: the viewers' queues by consultation and language, the last frames sent, and the one task
    that watches the versions."""

    def __init__(self) -> None:
        self.viewers: dict[int, set[tuple[str, asyncio.Queue[bytes | None]]]] = {}
        self.last: dict[int, tuple[int, Frames]] = {}
        self.task: asyncio.Task[None] | None = None
        self.listener: asyncio.Task[None] | None = None
        self.wake = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    def _ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new event loop (tests): start over on it
            self.__init__()  # type: ignore[misc]
            self.loop = loop
        # The tasks outlive the request that started them: they run in a context of their own, not the request's.
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._watch(), context=contextvars.Context())
        if settings.REDIS_URL and (self.listener is None or self.listener.done()):
            self.listener = loop.create_task(self._listen(), context=contextvars.Context())

    async def subscribe(self, consultation_id: int, language: str) -> asyncio.Queue[bytes | None] | None:
        self._ensure_running()
        if consultation_id not in self.last:
            current = await _read(frames)(consultation_id)
            if current is None:
                return None
            self.last.setdefault(consultation_id, current)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        for frame in changed_frames(None, self.last[consultation_id][1], language):
            queue.put_nowait(frame)
        self.viewers.setdefault(consultation_id, set()).add((language, queue))
        return queue

    def unsubscribe(self, consultation_id: int, language: str, queue: asyncio.Queue[bytes | None]) -> None:
        watchers = self.viewers.get(consultation_id)
        if watchers is not None:
            watchers.discard((language, queue))
            if not watchers:
                self.viewers.pop(consultation_id, None)
                self.last.pop(consultation_id, None)

    async def _listen(self) -> None:
        """With Redis: a published change wakes the watcher at once (the poll remains, as a net)."""
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(settings.REDIS_URL)
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - Redis down: the poll carries on; try again later
                logger.warning("live stream: Redis listener unavailable, polling only")
                await asyncio.sleep(5)

    async def _watch(self) -> None:
        # With Redis the poll stays: a message wakes the hub sooner, a lost one is caught by the next poll.
        interval = settings.XIESHANG_LIVE_POLL_SECONDS
        heartbeat_every = settings.XIESHANG_LIVE_HEARTBEAT_SECONDS
        next_heartbeat = time.monotonic() + heartbeat_every
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=interval)
            self.wake.clear()
            ids = list(self.viewers)
            if not ids:
                continue
            try:
                current = await _read(_versions_fresh)(ids)
                for consultation_id in ids:
                    last = self.last.get(consultation_id)
                    if consultation_id not in current:
                        self._fan_out(consultation_id, None)
                    elif last is None or current[consultation_id] != last[0]:
                        latest = await _read(frames)(consultation_id)
                        self._fan_out(consultation_id, latest)
            except Exception:  # noqa: BLE001 - a database hiccup: the viewers keep their stream, the next poll retries
                logger.exception("live stream: reading the live state failed")
            if time.monotonic() >= next_heartbeat:
                next_heartbeat = time.monotonic() + heartbeat_every
                for watchers in list(self.viewers.values()):
                    for _lang, queue in list(watchers):
                        self._put(queue, b": keep-alive\n\n")

    def _put(self, queue: asyncio.Queue[bytes | None], frame: bytes | None) -> bool:
        try:
            queue.put_nowait(frame)
            return True
        except asyncio.QueueFull:  # too far behind: end its stream, the browser reconnects and gets the whole state
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(None)
            return False

    def _fan_out(self, consultation_id: int, latest: tuple[int, Frames] | None) -> None:
        watchers = list(self.viewers.get(consultation_id, ()))
        if latest is None:  # no longer public: tell the pages, end the streams
            for _lang, queue in watchers:
                self._put(queue, GONE)
                self._put(queue, None)
            self.viewers.pop(consultation_id, None)
            self.last.pop(consultation_id, None)
            return
        previous = self.last.get(consultation_id)
        self.last[consultation_id] = latest
        changed = {lang: changed_frames(previous[1] if previous else None, latest[1], lang) for lang in latest[1]}
        # One write per viewer and change: the changed sections of that viewer's language joined.
        joined = {lang: b"".join(frames) for lang, frames in changed.items() if frames}
        for lang, queue in watchers:
            payload = joined.get(lang)
            if payload:
                self._put(queue, payload)


def _versions_fresh(ids: list[int]) -> dict[int, int]:
    close_old_connections()  # a long-lived process: drop a connection the database closed
    return versions(ids)


HUB = Hub()


async def _hub_stream(consultation_id: int, language: str, queue: asyncio.Queue[bytes | None]):
    try:
        yield HEAD
        while True:
            frame = await queue.get()
            if frame is None:
                return
            while not queue.empty():  # whatever else is waiting goes out in the same write
                more = queue.get_nowait()
                if more is None:
                    yield frame
                    return
                frame += more
            yield frame
    finally:
        HUB.unsubscribe(consultation_id, language, queue)


# ------------------------------------------------------------------------------------- the development fallback
WSGI_STREAM_SECONDS = 300  # a development stream ends after this long (the browser reconnects): no thread held forever


class LocalChanges:
    """Changes committed in this process (services.live._bump → notify): a WSGI stream waits on it instead of
    asking the database every interval (the tests' live server shares one SQLite connection between its threads,
    which a query loop per viewer would use concurrently). A change made by another process is still seen: the
    stream also checks the database once per heartbeat."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.counter = 0

    def notify(self) -> None:
        with self.condition:
            self.counter += 1
            self.condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.condition:
            self.condition.wait_for(lambda: self.counter != seen, timeout)
            return self.counter


LOCAL = LocalChanges()
# What this process's WSGI streams show, by consultation: read by the request that opened the first stream, then
# rendered by the thread that committed each change (services.live.publish → refresh_local), so the stream threads
# themselves never query the database (the tests' live server shares one SQLite connection between its threads).
_DEV_LOCK = threading.Lock()
_DEV_CACHE: dict[int, tuple[int, Frames]] = {}
_DEV_WATCHERS: dict[int, int] = {}


def refresh_local(consultation_id: int) -> None:
    """After a commit in this process: render the new state for its WSGI streams (if any watch), then wake them."""
    if _DEV_WATCHERS.get(consultation_id):
        latest = frames(consultation_id)
        with _DEV_LOCK:
            if latest is None:
                _DEV_CACHE.pop(consultation_id, None)
            else:
                _DEV_CACHE[consultation_id] = latest
    LOCAL.notify()


def _dev_first(consultation_id: int) -> tuple[int, Frames] | None:
    latest = frames(consultation_id)
    with _DEV_LOCK:
        if latest is not None:
            cached = _DEV_CACHE.get(consultation_id)
            if cached is None or cached[0] <= latest[0]:
                _DEV_CACHE[consultation_id] = latest
            _DEV_WATCHERS[consultation_id] = _DEV_WATCHERS.get(consultation_id, 0) + 1
    return latest


def _polling_stream(consultation_id: int, language: str, first: tuple[int, Frames], seen: int):
    """The development stream: sends what changes in this process (a change another process commits shows after
    a reload; production serves the stream through the ASGI hub, which watches the database)."""
    try:
        yield HEAD
        version, sent = first
        yield from changed_frames(None, sent, language)
        started = time.monotonic()
        while time.monotonic() - started < WSGI_STREAM_SECONDS:
            now_seen = LOCAL.wait(seen, settings.XIESHANG_LIVE_HEARTBEAT_SECONDS)
            if now_seen == seen:
                yield b": keep-alive\n\n"
                continue
            seen = now_seen
            with _DEV_LOCK:
                latest = _DEV_CACHE.get(consultation_id)
            if latest is None:
                yield GONE
                return
            if latest[0] > version:
                version = latest[0]
                yield from changed_frames(sent, latest[1], language)
                sent = latest[1]
    finally:
        with _DEV_LOCK:
            _DEV_WATCHERS[consultation_id] = max(0, _DEV_WATCHERS.get(consultation_id, 0) - 1)


def _headers(response: StreamingHttpResponse) -> StreamingHttpResponse:
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@background_request  # the page listens by itself: not the user's activity (the idle timeout runs on)
async def live_stream_view(request, pk: int):
    """The public stream of one consultation: anyone may watch a consultation opened to the public."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    if isinstance(request, ASGIRequest):
        queue = await HUB.subscribe(pk, language)
        if queue is None:
            raise Http404
        response = StreamingHttpResponse(_hub_stream(pk, language, queue), content_type="text/event-stream")
    else:
        seen = LOCAL.counter  # before the read: a change committed meanwhile is not missed
        first = await sync_to_async(_dev_first)(pk)
        if first is None:
            raise Http404
        response = StreamingHttpResponse(_polling_stream(pk, language, first, seen), content_type="text/event-stream")
    return _headers(response)
