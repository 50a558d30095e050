"""A local Redis for several API processes (the demo and the tests), started like Neo4j is.

Debian's `redis-server` (installed with `apt-get install -y redis-server` when missing and
running as root), listening on 127.0.0.1 only, with nothing saved to disk: the shared state
is invalidations and rate-limit counts, which a restart may lose (see
`trace_engine/kit/shared_state.py` for why losing them is safe).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis
from redis.exceptions import RedisError

from trace_engine.errors import LocalRedisError

STARTUP_S = 15.0


def redis_server() -> str:
    """The `redis-server` executable, installed with apt-get when missing (as root)."""
    found = shutil.which("redis-server")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        subprocess.run([apt, "install", "-y", "redis-server"], check=False, capture_output=True)
        found = shutil.which("redis-server")
        if found:
            return found
    raise LocalRedisError(
        "redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y "
        "redis-server; macOS: brew install redis) or point TRACE_REDIS_URL at a Redis"
    )


class LocalRedis:
    """One redis-server on 127.0.0.1:`port`, its pid in `pid_file`."""

    def __init__(self, port: int, run_dir: Path) -> None:
        self.port = port
        self.run_dir = run_dir
        self.pid_file = run_dir / f"redis-{port}.pid"
        self.log_file = run_dir / f"redis-{port}.log"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def running(self) -> bool:
        """Whether a Redis answers on the port."""
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except (RedisError, OSError):
            return False
        finally:
            client.close()

    def start(self) -> None:
        """Start it (a no-op when one already answers); return once it answers PING."""
        if self.running():
            return
        self.run_dir.mkdir(parents=True, exist_ok=True)
        command = [
            redis_server(),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.run_dir),
            "--daemonize", "yes",
            "--pidfile", str(self.pid_file),
            "--logfile", str(self.log_file),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise LocalRedisError(f"redis-server did not start: {done.stderr or done.stdout}")
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.running():
                return
            time.sleep(0.05)
        raise LocalRedisError(f"redis-server did not answer on port {self.port}: {self.log_file}")

    def stop(self) -> bool:
        """Stop the server this object started (by its pid file); False if none ran."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return False
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline and self.running():
            time.sleep(0.05)
        return True
