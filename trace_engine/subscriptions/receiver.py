"""A small webhook receiver for trying subscriptions by hand (`trace-engine webhook-receiver`):
it prints each delivery, checks its GS1-Signature against the token and answers.

`describe` is pure (the body and headers → the answer's status and the lines to print);
`serve` runs it in a threaded `http.server` until interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from trace_engine.subscriptions.signing import HEADER, verify

_SHOWN_EVENTS = 20  # per delivery; the rest are counted


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one delivery and what to print about it."""

    status: int
    lines: list[str]


def _signature(token: str | None, body: bytes, headers: Mapping[str, str]) -> tuple[bool, str]:
    given = next((v for k, v in headers.items() if k.lower() == HEADER.lower()), None)
    if token is None:
        return True, "signature not checked (no --token)" if given else "unsigned"
    if given is None:
        return False, f"NO SIGNATURE: no {HEADER} header"
    if not verify(token, body, given):
        return False, "BAD SIGNATURE: not signed with this token"
    return True, "signature verified"


def _event_line(event: dict[str, Any]) -> str:
    fields = [
        str(event.get("type", "?")),
        str(event.get("eventID", "(no eventID)")),
        str(event.get("bizStep", "")),
        f"recorded {event['recordTime']}" if event.get("recordTime") else "",
    ]
    return "  " + "  ".join(f for f in fields if f)


def describe(
    body: bytes, headers: Mapping[str, str], token: str | None, status: int = 200
) -> Verdict:
    """Check one delivery: 401 for a missing or bad signature when a token is given, 400 for
    a body that is not an EPCISQueryDocument, else `status`."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signed, note = _signature(token, body, headers)
    try:
        document = orjson.loads(body)
        results = document["epcisBody"]["queryResults"]
        events = list(results["resultsBody"]["eventList"])
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        answer = 400 if signed else 401
        why = "not JSON" if isinstance(exc, orjson.JSONDecodeError) else f"no {exc}"
        lines = [f"{stamp}  {note}  not an EPCISQueryDocument ({why}), {len(body)} bytes"]
        return Verdict(answer, [*lines, f"  answered {answer}"])
    answer = status if signed else 401
    head = (
        f"{stamp}  {note}  subscription {results.get('subscriptionID', '?')}  "
        f"query {results.get('queryName', '?')}  {len(events)} event(s)"
    )
    lines = [head, *(_event_line(e) for e in events[:_SHOWN_EVENTS] if isinstance(e, dict))]
    if len(events) > _SHOWN_EVENTS:
        lines.append(f"  … and {len(events) - _SHOWN_EVENTS} more")
    if answer != 200:
        lines.append(f"  answered {answer}")
    return Verdict(answer, lines)


def server(
    host: str, port: int, token: str | None, status: int, echo: Callable[[str], object]
) -> ThreadingHTTPServer:
    """A server that answers every POST with `describe` and echoes its lines (not started)."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            verdict = describe(body, dict(self.headers.items()), token, status)
            with lock:  # one delivery's lines together
                for line in verdict.lines:
                    echo(line)
            self.send_response(verdict.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    return ThreadingHTTPServer((host, port), Handler)
