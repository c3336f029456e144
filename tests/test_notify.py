"""Webhook notification: delivered with retries against a real HTTP server, bounded by a deadline, never raising,
and a message that carries names and numbers only, escaped for Slack."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from assessor.models import Assessment
from assessor.notify import (
    MAX_NAME,
    build_message,
    describe_endpoint,
    notify_webhook,
    retry_after_seconds,
    should_notify,
    slack_escape,
)
from tests.collectors.local_http import LocalServer
from tests.report.conftest import LONG, RTL, SCRIPT, build_catalogue, make_assessment

SECRET_PATH = "/services/T0001/B0002/XyZsecretTOKEN123"  # the part of a Slack webhook URL that is a credential


# --------------------------------------------------------------------------- a scripted webhook server


@dataclass
class Received:
    at: float
    body: bytes
    headers: dict[str, str]


@dataclass
class Hook:
    """A LocalServer that answers each request with the next step of `script` and records what it received."""

    script: list[Callable[[BaseHTTPRequestHandler], None]]
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends any answer that hangs

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        self.received.append(Received(time.monotonic(), body, dict(request.headers.items())))
        step = self.script[min(len(self.received), len(self.script)) - 1]
        step(request)


def answer(status: int, text: str = "ok", headers: dict[str, str] | None = None
           ) -> Callable[[BaseHTTPRequestHandler], None]:
    def respond(request: BaseHTTPRequestHandler) -> None:
        data = text.encode()
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    return respond


@pytest.fixture
def hook_factory() -> Iterator[Callable[..., tuple[Hook, str]]]:
    started: list[tuple[Hook, LocalServer]] = []

    def start(*script: Callable[[BaseHTTPRequestHandler], None]) -> tuple[Hook, str]:
        hook = Hook(list(script))
        server = LocalServer(hook.handle)
        started.append((hook, server))
        return hook, server.url + SECRET_PATH

    yield start
    for hook, server in started:
        hook.release.set()
        server.stop()


def hang(hook_holder: list[Hook], seconds: float = 30) -> Callable[[BaseHTTPRequestHandler], None]:
    def respond(request: BaseHTTPRequestHandler) -> None:
        hook_holder[0].release.wait(seconds)

    return respond


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


PAYLOAD = {"text": "hello", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]}


def assert_no_secret(result: object) -> None:
    assert "secretTOKEN" not in repr(result)
    assert "T0001" not in repr(result)


# --------------------------------------------------------------------------- delivery


def test_success_posts_the_json_once(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 200 is one attempt; the server receives the payload as JSON."""
    hook, url = hook_factory(answer(200))
    result = notify_webhook(url, PAYLOAD, backoff=0.01)
    assert (result.ok, result.attempts, result.status, result.timed_out) == (True, 1, 200, False)
    assert len(hook.received) == 1
    assert json.loads(hook.received[0].body) == PAYLOAD
    assert hook.received[0].headers["Content-Type"].startswith("application/json")
    assert_no_secret(result)


def test_server_error_then_success_is_retried(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 500 is retried after the backoff; the same body is sent again and the second attempt succeeds."""
    hook, url = hook_factory(answer(500, "boom"), answer(200))
    result = notify_webhook(url, PAYLOAD, backoff=0.2)
    assert (result.ok, result.attempts, result.status) == (True, 2, 200)
    assert [r.body for r in hook.received] == [hook.received[0].body] * 2
    assert hook.received[1].at - hook.received[0].at >= 0.18


def test_persistent_server_error_gives_up_after_the_attempts(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """503 on every try: exactly `attempts` requests, then a failure that says so, without raising."""
    hook, url = hook_factory(answer(503))
    result = notify_webhook(url, PAYLOAD, attempts=3, backoff=0.01)
    assert (result.ok, result.attempts, result.status) == (False, 3, 503)
    assert len(hook.received) == 3
    assert "gave up after 3" in result.detail
    assert_no_secret(result)


def test_backoff_doubles_between_attempts(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """Pauses grow exponentially: the second gap is about twice the first."""
    hook, url = hook_factory(answer(502))
    notify_webhook(url, PAYLOAD, attempts=3, backoff=0.2)
    first = hook.received[1].at - hook.received[0].at
    second = hook.received[2].at - hook.received[1].at
    assert first >= 0.18
    assert second >= 0.38


def test_rate_limit_waits_for_retry_after(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 429 with Retry-After: 1 is retried after about a second, not after the (tiny) backoff."""
    hook, url = hook_factory(answer(429, "rate limited", {"Retry-After": "1"}), answer(200))
    result = notify_webhook(url, PAYLOAD, backoff=0.01, deadline=10)
    assert (result.ok, result.attempts) == (True, 2)
    assert hook.received[1].at - hook.received[0].at >= 0.95


def test_retry_after_beyond_the_deadline_gives_up_at_once(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 429 asking for an hour is not waited for: the call fails promptly and says why."""
    hook, url = hook_factory(answer(429, "slow down", {"Retry-After": "3600"}))
    started = time.monotonic()
    result = notify_webhook(url, PAYLOAD, deadline=60)
    assert time.monotonic() - started < 20  # neither the hour asked for nor the deadline was waited out
    assert (result.ok, result.attempts, result.status) == (False, 1, 429)
    assert "deadline" in result.detail
    assert len(hook.received) == 1


def test_client_error_is_not_retried(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 404 (revoked or mistyped hook) fails after one attempt: retrying cannot fix it."""
    hook, url = hook_factory(answer(404, "no_service"))
    result = notify_webhook(url, PAYLOAD, backoff=0.01)
    assert (result.ok, result.attempts, result.status) == (False, 1, 404)
    assert len(hook.received) == 1
    assert_no_secret(result)


def test_a_server_that_never_answers_is_abandoned_at_the_deadline(
        hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """Whatever the per-request timeout, the call returns within the total deadline and reports a time-out."""
    holder: list[Hook] = []
    hook, url = hook_factory(hang(holder))
    holder.append(hook)
    started = time.monotonic()
    result = notify_webhook(url, PAYLOAD, timeout=30, deadline=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 10  # far short of the 30 s per-request timeout (margin for a loaded CI machine)
    assert (result.ok, result.timed_out) == (False, True)
    assert "deadline" in result.detail
    assert len(hook.received) == 1
    assert_no_secret(result)


def test_a_request_that_times_out_is_retried(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A first request that exceeds the per-request timeout is retried, and the retry can succeed."""
    holder: list[Hook] = []
    hook, url = hook_factory(hang(holder), answer(200))
    holder.append(hook)
    result = notify_webhook(url, PAYLOAD, timeout=0.3, deadline=5, backoff=0.01)
    assert (result.ok, result.attempts, result.status) == (True, 2, 200)
    assert len(hook.received) == 2


def test_connection_refused_is_retried_then_reported() -> None:
    """Nothing listening: every attempt is made, the call fails with the reason, quickly and without raising."""
    url = f"http://127.0.0.1:{free_port()}{SECRET_PATH}"
    started = time.monotonic()
    result = notify_webhook(url, PAYLOAD, attempts=3, backoff=0.01, deadline=60)
    assert time.monotonic() - started < 20  # gave up after the attempts, not at the deadline
    assert (result.ok, result.attempts, result.status) == (False, 3, None)
    assert "refused" in result.detail.lower()
    assert_no_secret(result)


def test_a_redirect_is_not_followed(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """A 302 elsewhere is a failure: the message never reaches a host nobody configured."""
    elsewhere, other_url = hook_factory(answer(200))
    _, url = hook_factory(answer(302, "moved", {"Location": other_url}))
    result = notify_webhook(url, PAYLOAD, backoff=0.01)
    assert (result.ok, result.attempts, result.status) == (False, 1, 302)
    assert elsewhere.received == []


@pytest.mark.parametrize("url", ["", "not a url", "file:///etc/passwd", "ftp://127.0.0.1/x", "http://"])
def test_unusable_urls_fail_without_raising(url: str) -> None:
    """A URL that is not http(s) with a host is refused before any request, as a result, not an exception."""
    result = notify_webhook(url, PAYLOAD)
    assert (result.ok, result.attempts) == (False, 0)
    assert "http(s)" in result.detail


def test_a_payload_that_is_not_json_fails_without_raising(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """An unserialisable payload is reported, not raised, and nothing is sent."""
    hook, url = hook_factory(answer(200))
    result = notify_webhook(url, {"text": object()})
    assert (result.ok, result.attempts) == (False, 0)
    assert hook.received == []


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    """Retry-After is read as delta-seconds or an HTTP date; junk and absence give None."""
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Thu, 26 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 26 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_endpoint_description_drops_the_secret_path() -> None:
    """The loggable form of a webhook URL keeps scheme and host only."""
    assert describe_endpoint("https://hooks.slack.com" + SECRET_PATH) == "https://hooks.slack.com/..."
    assert describe_endpoint("http://127.0.0.1:8080/x?token=1") == "http://127.0.0.1:8080/..."


# --------------------------------------------------------------------------- the message


@dataclass
class Change:
    control_id: str
    title: str
    severity: str = "high"
    before_status: str | None = "pass"
    after_status: str = "fail"


@dataclass
class Summary:
    readiness_index: float | None


@dataclass
class Diff:
    index_change: float | None = -4.25
    regressions: Sequence[Change] = ()
    new_failures: Sequence[Change] = ()
    fixed: Sequence[Change] = ()
    new_unknowns: Sequence[Change] = ()
    before: Summary = field(default_factory=lambda: Summary(61.5))
    after: Summary = field(default_factory=lambda: Summary(57.26))


HOSTILE_TITLES = ["<!channel> wake up", "<https://evil.example|click here>", "Tom & Jerry <b>", SCRIPT, RTL,
                  LONG, "line\nbreak\u200bzero-width"]


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return make_assessment(build_catalogue())


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def evidence_strings(value: Any) -> Iterator[str]:
    """Every string inside findings' evidence, keys and values."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from evidence_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from evidence_strings(item)


def test_message_has_no_identity_account_resource_or_evidence(assessment: Assessment) -> None:
    """Caller identities, account ids, resource ids, finding messages, reasons and evidence stay out."""
    diff = Diff(regressions=[Change("CT-01", "Quarantine security group prepared")],
                new_failures=[Change("PP-01", "Cloud-aware incident-response plan")])
    for message in (build_message(assessment, None), build_message(assessment, diff)):
        text = json.dumps(message, ensure_ascii=False)
        forbidden: set[str] = set()
        for scope in assessment.scopes:
            forbidden |= {scope.account_id, *([scope.identity] if scope.identity else [])}
        for control in assessment.controls:
            for finding in control.findings:
                forbidden |= {s for s in (finding.resource_id, finding.reason, finding.account_id) if s}
                forbidden |= {s for s in evidence_strings(finding.evidence) if len(s) >= 8}
        forbidden |= {i.path for i in assessment.inputs} | {a.evidence for a in assessment.answers if a.evidence}
        leaked = sorted(s for s in forbidden if s in text)
        assert leaked == []


def test_first_run_message_lists_failing_controls(assessment: Assessment) -> None:
    """Without a previous run, the message gives the index and the failing controls, worst severity first."""
    message = build_message(assessment, None)
    assert "57.3/100 (Developing)" in message["text"]
    body = "\n".join(b["text"]["text"] for b in message["blocks"])
    failing = [c for c in assessment.controls if c.status.value in ("fail", "partial")]
    assert f"Failing controls ({len(failing)})" in body
    assert f"and {len(failing) - 5} more in the report" in body
    assert body.count("\u2022") == 5
    assert "Northwind Health &amp; Care" in message["text"]


def test_diff_message_gives_change_regressions_and_new_failures(assessment: Assessment) -> None:
    """With a diff: the index change, regressions and new failures (top 5, critical first) and the counts."""
    regressions = [Change(f"LC-0{n}", f"Control {n}", severity="low" if n < 7 else "critical") for n in range(1, 9)]
    diff = Diff(regressions=regressions, new_failures=[Change("EV-02", "Disk snapshot")],
                fixed=[Change("IN-01", "SIEM", before_status="fail", after_status="pass")])
    message = build_message(assessment, diff)
    assert "-4.2 since the last run" in message["text"] or "-4.3 since the last run" in message["text"]
    sections = [b["text"]["text"] for b in message["blocks"]]
    regress = next(s for s in sections if s.startswith("*Regressions (8)*"))
    lines = regress.splitlines()
    assert lines[1].startswith("\u2022 LC-07 Control 7 (critical): pass \u2192 fail")
    assert lines[2].startswith("\u2022 LC-08")
    assert lines[-1] == "\u2026 and 3 more in the report"
    assert any(s.startswith("*New failures (1)*") and "EV-02 Disk snapshot" in s for s in sections)
    assert "8 regression(s), 1 new failure(s), 1 fixed, 0 newly undetermined" in message["text"]


def test_hostile_names_are_plain_text(assessment: Assessment) -> None:
    """`<`, `>` and `&` are escaped as Slack documents; no mention, link, control or bidi character survives."""
    hostile_org = assessment.model_copy(update={"organization": "<!here> Evil & Co <@U123>"})
    diff = Diff(regressions=[Change(f"X-{n}", title) for n, title in enumerate(HOSTILE_TITLES)],
                new_failures=[Change("Y-1", title, severity="<b>") for title in HOSTILE_TITLES[:3]])
    message = build_message(hostile_org, diff)
    for text in strings(message):
        if text in ("section", "mrkdwn"):
            continue
        assert "<" not in text and ">" not in text
        assert text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0
        assert "\u202e" not in text and "\u200b" not in text
    rendered = json.dumps(message, ensure_ascii=False)
    assert "&lt;!here&gt; Evil &amp; Co &lt;@U123&gt;" in rendered
    assert "&lt;!channel&gt; wake up" in rendered
    assert "&lt;https://evil.example|click here&gt;" in rendered
    assert "Tom &amp; Jerry &lt;b&gt;" in rendered


def test_long_names_are_cut_and_the_message_stays_within_slack_limits(assessment: Assessment) -> None:
    """A 10,000-character name is shortened; every section stays under Slack's 3,000 characters."""
    diff = Diff(regressions=[Change(f"X-{n}", LONG) for n in range(10)],
                new_failures=[Change(f"Y-{n}", LONG) for n in range(10)])
    message = build_message(assessment.model_copy(update={"organization": LONG}), diff)
    assert len(message["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"])
    assert len(message["text"]) <= 3000
    assert "L" * MAX_NAME not in json.dumps(message)


def test_slack_escape_orders_ampersand_first() -> None:
    """`&lt;` typed by someone shows as typed: the ampersand is escaped before the angle brackets are."""
    assert slack_escape("&lt;") == "&amp;lt;"
    assert slack_escape("a\tb\r\nc") == "a b  c"


def test_message_round_trips_to_the_webhook(assessment: Assessment,
                                             hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """The built message is what the webhook receives, byte for byte as JSON."""
    hook, url = hook_factory(answer(200))
    message = build_message(assessment, Diff(regressions=[Change("CT-01", SCRIPT)]))
    assert notify_webhook(url, message).ok
    assert json.loads(hook.received[0].body) == message


# --------------------------------------------------------------------------- when to notify


@pytest.mark.parametrize(("diff", "expected"), [
    (None, False),
    (Diff(index_change=-0.1), True),
    (Diff(index_change=2.0, regressions=[Change("LC-01", "t")]), True),
    (Diff(index_change=None, regressions=[Change("LC-01", "t")]), True),
    (Diff(index_change=3.0, new_failures=[Change("LC-01", "t")], fixed=[Change("LC-02", "u")]), False),
    (Diff(index_change=0.0), False),
    (Diff(index_change=None), False),
])
def test_should_notify_on_a_drop_or_a_regression(diff: Diff | None, expected: bool) -> None:
    """Notify when the index dropped or any control regressed; not on a first run or a steady/improving one."""
    assert should_notify(diff) is expected


def test_a_zero_deadline_sends_nothing(hook_factory: Callable[..., tuple[Hook, str]]) -> None:
    """deadline=0 means no time to send: a timed-out result at once, no request, no exception."""
    hook, url = hook_factory(answer(200))
    result = notify_webhook(url, PAYLOAD, deadline=0)
    assert (result.ok, result.timed_out) == (False, True)
    assert hook.received == []
