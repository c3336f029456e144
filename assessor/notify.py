"""Tell a chat channel how a scheduled run went, through a Slack-compatible incoming webhook.

Notification is a courtesy next to the report, never a reason to lose it: `notify_webhook` never raises, and it
returns within a total deadline even when the endpoint hangs (the HTTP exchange runs in a daemon thread that is
abandoned at the deadline). The message holds names and numbers only: no identities, no account ids, no evidence,
no resource ids, and never the webhook URL (it embeds a token), not even in `NotifyResult.detail`.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assessor.models import Assessment, Status

if TYPE_CHECKING:
    from assessor.history.models import ControlChange, RunDiff

TOP = 5  # how many controls a list in the message shows; the report has the rest
MAX_NAME = 150  # a 10k-character name must not turn the message into a wall (Slack caps a section at 3000)
_FAILING = (Status.FAIL, Status.PARTIAL)
_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_USER_AGENT = "ir-assessor-notify"


def slack_escape(text: str) -> str:
    """Make `text` inert in Slack mrkdwn: strip control and bidi-override characters, cap the length, and escape
    the three characters Slack treats as markup (`&`, `<`, `>`), so `<!channel>` or `<https://x|label>` in a
    resource name shows as typed instead of pinging everyone or hiding a link."""
    kept = "".join(" " if ch in "\r\n\t" else ch for ch in text if not _invisible(ch))
    if len(kept) > MAX_NAME:
        kept = kept[: MAX_NAME - 1] + "\u2026"
    return kept.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _invisible(ch: str) -> bool:
    # Cc: control characters; Cf: format characters such as U+202E (right-to-left override) and zero-width joiners
    return ch not in "\r\n\t" and unicodedata.category(ch) in ("Cc", "Cf")


def _index(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _change_line(change: ControlChange) -> str:
    before = change.before_status or "absent"
    return (f"\u2022 {slack_escape(change.control_id)} {slack_escape(change.title)} "
            f"({slack_escape(change.severity)}): {slack_escape(before)} \u2192 {slack_escape(change.after_status)}")


def _top(changes: Sequence[ControlChange]) -> list[ControlChange]:
    return sorted(changes, key=lambda c: (_SEVERITY_RANK.get(c.severity, 9), c.control_id))[:TOP]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _listing(title: str, changes: Sequence[ControlChange]) -> str:
    shown = _top(changes)
    more = len(changes) - len(shown)
    lines = [f"*{title} ({len(changes)})*", *(_change_line(c) for c in shown)]
    if more:
        lines.append(f"\u2026 and {more} more in the report")
    return "\n".join(lines)


def build_message(assessment: Assessment, diff: RunDiff | None) -> dict[str, Any]:
    """A short Slack message: readiness index and its change, regressions and new failures (top 5 each).

    Without a previous run (`diff` is None) it lists the failing controls instead. Only control ids, titles,
    severities, statuses, counts and the organisation name appear; every one of them is escaped."""
    organization = slack_escape(assessment.organization)
    index = _index(assessment.readiness_index)
    units = len(assessment.scopes)
    headline = f"IR readiness for {organization}: {index}/100 ({slack_escape(assessment.maturity)})"
    if diff is not None and diff.index_change is not None:
        headline += f", {diff.index_change:+.1f} since the last run"
    blocks: list[dict[str, Any]] = [_section(f"*{headline}*\n{units} account(s), subscription(s) or project(s) "
                                             f"assessed.")]
    summary_parts: list[str] = []
    if diff is None:
        failing = [c for c in assessment.controls if c.status in _FAILING]
        failing.sort(key=lambda c: (_SEVERITY_RANK.get(c.severity, 9), c.control_id))
        lines = [f"*Failing controls ({len(failing)})*"]
        lines += [f"\u2022 {slack_escape(c.control_id)} {slack_escape(c.title)} ({slack_escape(c.severity)}): "
                  f"{c.status.value}" for c in failing[:TOP]]
        if len(failing) > TOP:
            lines.append(f"\u2026 and {len(failing) - TOP} more in the report")
        blocks.append(_section("\n".join(lines)))
        summary_parts.append(f"{len(failing)} failing control(s), first run")
    else:
        if diff.regressions:
            blocks.append(_section(_listing("Regressions", diff.regressions)))
        if diff.new_failures:
            blocks.append(_section(_listing("New failures", diff.new_failures)))
        counts = (f"{len(diff.regressions)} regression(s), {len(diff.new_failures)} new failure(s), "
                  f"{len(diff.fixed)} fixed, {len(diff.new_unknowns)} newly undetermined")
        blocks.append(_section(counts))
        summary_parts.append(counts)
    # `text` is the fallback shown in notifications and by clients that ignore blocks; it is mrkdwn too.
    return {"text": f"{headline}; {'; '.join(summary_parts)}", "blocks": blocks}


def should_notify(diff: RunDiff | None) -> bool:
    """Worth a message: the readiness index dropped or any control got worse. A first run (no diff) is not."""
    if diff is None:
        return False
    dropped = diff.index_change is not None and diff.index_change < 0
    return dropped or bool(diff.regressions)


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class NotifyResult:
    """How delivery went. `detail` never holds the URL (it embeds the webhook's secret)."""

    ok: bool
    attempts: int
    status: int | None  # the last HTTP status received, None when none was
    detail: str
    elapsed: float  # seconds
    timed_out: bool = False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A webhook that redirects is misconfigured; following it would send the message somewhere not configured.
    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Delivery:
    """One delivery attempt loop, run in a worker thread; `stop` makes it give up at its next wait."""

    def __init__(self, url: str, body: bytes, attempts: int, timeout: float, backoff: float,
                 deadline_at: float) -> None:
        self.url, self.body, self.attempts, self.timeout = url, body, attempts, timeout
        self.backoff, self.deadline_at = backoff, deadline_at
        self.stop = threading.Event()
        self.tries = 0
        self.status: int | None = None
        self.detail = "not attempted"
        self.ok = False
        self.timed_out = False
        self._opener = urllib.request.build_opener(_NoRedirect)

    def run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # never let the thread die with a traceback on stderr
            self.detail = f"unexpected {type(exc).__name__}"

    def _loop(self) -> None:
        for attempt in range(1, self.attempts + 1):
            remaining = self.deadline_at - time.monotonic()
            if self.stop.is_set():
                return
            if remaining <= 0:
                self.timed_out = True
                self.detail = "the deadline was reached before the first attempt"
                return
            self.tries = attempt
            # A request never outlives the deadline, so the worker usually ends before the caller stops waiting.
            wait = self._post(min(self.timeout, remaining))
            if wait is None:  # delivered, or a failure that retrying cannot fix
                return
            if time.monotonic() >= self.deadline_at:
                self.timed_out = True
                self.detail += "; the deadline was reached"
                return
            if attempt == self.attempts:
                self.detail += f"; gave up after {attempt} attempt(s)"
                return
            if time.monotonic() + wait >= self.deadline_at:
                self.detail += f"; next attempt (in {wait:.1f}s) would pass the deadline"
                return
            if self.stop.wait(wait):
                return

    def _post(self, timeout: float) -> float | None:
        """One POST; returns the pause before the next attempt, or None when there should be none."""
        # The scheme was checked to be http(s) before the worker started.
        request = urllib.request.Request(self.url, data=self.body, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json; charset=utf-8", "User-Agent": _USER_AGENT})
        pause: float = self.backoff * 2.0 ** (self.tries - 1)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                self.status = response.status
                self.ok, self.detail = True, f"delivered (HTTP {response.status})"
                return None
        except urllib.error.HTTPError as exc:
            self.status = exc.code
            self.detail = f"HTTP {exc.code}"
            exc.close()
            if exc.code == 429:
                asked = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                return pause if asked is None else asked
            if 500 <= exc.code <= 599:
                return pause
            return None  # 4xx other than 429 (bad URL, revoked hook, redirect refused): retrying will not help
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            self.detail = f"connection failed: {_describe(reason)}"
            return pause


def _describe(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    # Anything else is named by its type only: some exception texts quote the URL, and the URL is a secret.
    return "request failed" if isinstance(reason, str) else type(reason).__name__


def notify_webhook(url: str, text_payload: dict[str, Any], *, attempts: int = 4, timeout: float = 5,
                   deadline: float = 20, backoff: float = 1.0) -> NotifyResult:
    """POST `text_payload` as JSON to a Slack-compatible webhook; never raises, returns within `deadline` seconds.

    Retries connection errors, 5xx and 429 up to `attempts` times in all, pausing `backoff`, 2x`backoff`, ...
    seconds, or what a 429's Retry-After asks for. `timeout` bounds one request; `deadline` bounds the whole."""
    started = time.monotonic()

    def result(ok: bool, detail: str, *, tries: int = 0, status: int | None = None,
               timed_out: bool = False) -> NotifyResult:
        return NotifyResult(ok=ok, attempts=tries, status=status, detail=detail,
                            elapsed=time.monotonic() - started, timed_out=timed_out)

    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return result(False, "the webhook URL must be an http(s) URL")
        body = json.dumps(text_payload, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return result(False, f"cannot send this message: {type(exc).__name__}")
    delivery = _Delivery(url, body, max(1, attempts), max(0.001, timeout), max(0.0, backoff),
                         started + max(0.0, deadline))
    worker = threading.Thread(target=delivery.run, name="ir-assessor-notify", daemon=True)
    try:
        worker.start()
        worker.join(max(0.0, deadline))
    except Exception as exc:  # e.g. no thread could be started
        return result(False, f"could not send: {type(exc).__name__}")
    if worker.is_alive():
        delivery.stop.set()  # a request still in flight is abandoned with its daemon thread
        return result(False, f"no answer within the {deadline:g}s deadline ({delivery.detail})",
                      tries=delivery.tries, status=delivery.status, timed_out=True)
    return result(delivery.ok, delivery.detail, tries=delivery.tries, status=delivery.status,
                  timed_out=delivery.timed_out)


def describe_endpoint(url: str) -> str:
    """The webhook URL with path and query removed, for logs: `https://hooks.slack.com/...`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unreadable URL)"
    return f"{parts.scheme}://{host}{port}/..."
