"""A webhook receiver for the subscription tests: a threaded `http.server` on a free loopback
port that records each POST and answers scripted statuses."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson


class Receiver:
    """A threaded HTTP server recording each POST and answering the next scripted status."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[int, dict[str, str], bytes]] = []
        self.script: list[int] = []
        self.default = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else receiver.default
                    receiver.requests.append((status, dict(self.headers.items()), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def accepted_events(self) -> list[str]:
        """eventIDs of the deliveries answered 2xx, in arrival order."""
        with self.lock:
            taken = [body for status, _, body in self.requests if 200 <= status < 300]
        return [
            e["eventID"]
            for body in taken
            for e in orjson.loads(body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
