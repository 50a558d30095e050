"""A local webhook receiver for the delivery benchmarks (subscriptions, watches)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

# a delivered body → its events (each with eventID and recordTime)
EventsOf = Callable[[Any], list[dict[str, Any]]]


class Receiver:
    """Records (arrival time, eventIDs and recordTimes) of each POST; answers 200.

    `events_of` picks the events out of a delivered body (a subscription delivers an
    EPCISQueryDocument, a watch a notification with `events`)."""

    def __init__(self, events_of: EventsOf) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, list[tuple[str, str]]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                if not body:  # a delivery cut off as its app stopped
                    return
                pairs = [(e["eventID"], e["recordTime"]) for e in events_of(orjson.loads(body))]
                with receiver.lock:
                    receiver.arrivals.append((now, pairs))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seen(self) -> dict[str, tuple[float, str]]:
        """eventID → (arrival time, recordTime as delivered)."""
        with self.lock:
            return {i: (t, rt) for t, pairs in self.arrivals for i, rt in pairs}
