"""Fetch, configure, start and stop the project's own Neo4j 5.26 Community server.

No Docker engine is assumed: the server's jars come from Maven Central through `mvn`
(cached in ~/.m2), the server runs as a plain Java process in the background, and a pid file
under the home directory says which process is ours, so `stop` never touches anything else.

Layout of the home directory (git-ignored, `.neo4j/` by default):

    lib/            the jars (dependency:copy-dependencies of resources/neo4j-pom.xml)
    conf/neo4j.conf written from the settings on every start
    data/ logs/     the store and the logs; kept across restarts
    run/neo4j.pid   the pid of the server this project started
    lib/cds-*.jsa   the classes the server loads at start-up, archived by its first stop
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

from trace_engine.config import Settings
from trace_engine.errors import LocalNeo4jError
from trace_engine.graph.catalog import Query, query
from trace_engine.initial.store import finish_pending_swap

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"

# how often stop and start look again (an initial load waits for both: every 0.1 s, not 0.5)
_POLL_S = 0.1
# Neo4j's own launcher passes these from server.jvm.additional; started directly, the JVM
# needs them or start-up fails with "module java.base does not open java.nio".
JVM_OPTIONS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "-Dio.netty.tryReflectionSetAccessible=true",
)


@dataclass(frozen=True)
class Status:
    """Whether our server runs, and where."""

    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str


class LocalNeo4j:
    """The local server described by the settings."""

    def __init__(self, settings: Settings, echo: Callable[[str], None] = print) -> None:
        self.settings = settings
        self.home = settings.neo4j_home.resolve()
        self.echo = echo
        self._java_build = ""  # `java -version` of the JVM found (_require_java)

    # -- paths -------------------------------------------------------------------------

    @property
    def lib_dir(self) -> Path:
        return self.home / "lib"

    @property
    def conf_file(self) -> Path:
        return self.home / "conf" / "neo4j.conf"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "neo4j.log"

    @property
    def console_file(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.settings.neo4j_bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.neo4j_http_port}/browser/"

    # -- commands ----------------------------------------------------------------------

    def status(self) -> Status:
        """Whether the server this project started is running."""
        pid = self._live_pid()
        return Status(pid is not None, pid, self.bolt_uri, self.browser_url)

    def start(self) -> Status:
        """Fetch if needed, configure and start the server; return once Bolt answers."""
        current = self.status()
        if current.running:
            self.echo(f"Neo4j is already running (pid {current.pid}) at {self.bolt_uri}")
            return current
        java = self._require_java()
        self._require_free_ports()
        self.fetch()
        self._write_config()
        # an initial load killed between its import and its swap: the staged store is complete
        finish_pending_swap(self.home / "data", self.settings.neo4j_database)
        if not (self.home / "data" / "dbms" / "auth.ini").exists():
            self._set_initial_password(java)
        pid = self._spawn(java)
        self._wait_until_ready(pid)
        self.echo(f"Neo4j {self.settings.neo4j_version} is running (pid {pid})")
        self.echo(f"  Bolt:    {self.bolt_uri}")
        self.echo(f"  Browser: {self.browser_url}")
        return self.status()

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Stop the server this project started; False if it was not running."""
        pid = self._live_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            self.echo("Neo4j is not running")
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(_POLL_S)
        killed = _alive(pid)
        if killed:
            os.kill(pid, signal.SIGKILL)
        self._keep_class_archive(complete=not killed)
        self.pid_file.unlink(missing_ok=True)
        self.echo(f"Neo4j stopped (pid {pid})")
        return True

    def fetch(self) -> None:
        """Copy the server and Browser jars from Maven Central into lib/ unless already there."""
        marker = self.lib_dir / ".complete"
        wanted = f"{self.settings.neo4j_version} {self.settings.neo4j_browser_version}"
        if marker.exists() and marker.read_text().strip() == wanted:
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalNeo4jError("Maven (mvn) not found on PATH: install Maven 3 to fetch Neo4j")
        self.echo(f"Fetching Neo4j {self.settings.neo4j_version} with Maven (cached in ~/.m2)…")
        if self.lib_dir.exists():
            shutil.rmtree(self.lib_dir)
        self.lib_dir.mkdir(parents=True)
        pom = resources.files("trace_engine") / "resources" / "neo4j-pom.xml"
        with resources.as_file(pom) as pom_path:
            result = subprocess.run(
                [
                    mvn,
                    "-B",
                    "-q",
                    "-f",
                    str(pom_path),
                    f"-Dneo4j.version={self.settings.neo4j_version}",
                    f"-Dneo4j.browser.version={self.settings.neo4j_browser_version}",
                    "dependency:copy-dependencies",
                    f"-DoutputDirectory={self.lib_dir}",
                ],
                capture_output=True,
                text=True,
            )
        if result.returncode != 0:
            lines = [ln for ln in (result.stdout + result.stderr).splitlines() if "ERROR" in ln]
            why = lines[0] if lines else f"mvn exited with {result.returncode}"
            raise LocalNeo4jError(f"could not fetch Neo4j from Maven Central: {why}")
        marker.write_text(wanted + "\n")

    def logs(self, lines: int = 50) -> list[str]:
        """The last lines of neo4j.log (or of the console output if the log is missing)."""
        for path in (self.log_file, self.console_file):
            if path.exists():
                return path.read_text(errors="replace").splitlines()[-lines:]
        return []

    # -- internals ---------------------------------------------------------------------

    def _live_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(pid) or ENTRY_POINT not in _cmdline(pid):
            return None  # stale pid file, or the pid now belongs to another program
        return pid

    def _require_java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
        if not java or not Path(java).exists():
            raise LocalNeo4jError("Java not found: install Java 17 or newer (or set JAVA_HOME)")
        out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
        version = _java_major(out)
        if version < 17:
            raise LocalNeo4jError(f"Java 17 or newer is required, found Java {version}")
        self._java_build = f"{java}\n{out}"  # names the class archive (below)
        return java

    # -- class data sharing ------------------------------------------------------------
    # Half of a start's CPU was the JVM loading and verifying the server's classes from the
    # jars (9-10 s of CPU to ready, under load: 17-20 s of a start). The first stop after a
    # fetch archives the classes the server loaded (`-XX:ArchiveClassesAtExit`: the JVM
    # writes it as it exits); every later start maps them (`-XX:SharedArchiveFile`): 6 s of
    # CPU, 9-13 s (bench/RESULTS.md). The archive is named for the JVM build and the server
    # version; one the JVM cannot use is ignored by it (the start goes on without it).

    def _class_archive_options(self) -> list[str]:
        if "sharing" not in self._java_build:
            return []  # a JVM without class data sharing (or not HotSpot): nothing to map
        build = f"{self.settings.neo4j_version}\n{self._java_build}".encode()
        name = f"cds-{hashlib.blake2b(build, digest_size=6).hexdigest()}.jsa"
        archive = self.lib_dir / name
        if archive.exists():
            return [f"-XX:SharedArchiveFile={archive}"]
        for stale in (self.home / "run").glob("cds-*.jsa.partial"):
            stale.unlink(missing_ok=True)
        # this server's own dump until it exits (lib/ may be shared by several servers)
        return [f"-XX:ArchiveClassesAtExit={self.home / 'run' / name}.partial"]

    def _keep_class_archive(self, complete: bool) -> None:
        """Put the archive the stopped server wrote in place (if it exited by itself: one a
        kill cut short is dropped); atomic, so servers sharing lib/ never see half a file."""
        for dump in (self.home / "run").glob("cds-*.jsa.partial"):
            archive = self.lib_dir / dump.name.removesuffix(".partial")
            if complete and not archive.exists():
                staged = archive.with_name(f"{archive.name}.{os.getpid()}.tmp")
                shutil.move(dump, staged)  # a copy if lib/ is on another file system
                staged.replace(archive)
            dump.unlink(missing_ok=True)

    def _require_free_ports(self) -> None:
        for name, port in (
            ("Bolt", self.settings.neo4j_bolt_port),
            ("HTTP", self.settings.neo4j_http_port),
        ):
            if not _port_free(port):
                raise LocalNeo4jError(
                    f"port {port} ({name}) on 127.0.0.1 is already in use by another process"
                )

    def _write_config(self) -> None:
        s = self.settings
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        self.conf_file.write_text(
            "\n".join(
                [
                    "# Written by `trace-engine neo4j start` from the TRACE_NEO4J_* settings.",
                    "server.default_listen_address=127.0.0.1",
                    "server.default_advertised_address=127.0.0.1",
                    f"server.bolt.listen_address=127.0.0.1:{s.neo4j_bolt_port}",
                    f"server.http.listen_address=127.0.0.1:{s.neo4j_http_port}",
                    # what the server tells clients: Browser connects to the Bolt address of
                    # the discovery document (GET /), which otherwise names port 7687
                    f"server.bolt.advertised_address=127.0.0.1:{s.neo4j_bolt_port}",
                    f"server.http.advertised_address=127.0.0.1:{s.neo4j_http_port}",
                    "server.https.enabled=false",
                    "dbms.security.auth_enabled=true",
                    f"server.directories.data={self.home / 'data'}",
                    f"server.directories.logs={self.home / 'logs'}",
                    f"server.directories.plugins={self.home / 'plugins'}",
                    f"server.directories.import={self.home / 'import'}",
                    f"server.directories.run={self.home / 'run'}",
                    f"server.memory.heap.initial_size={s.neo4j_heap}",
                    f"server.memory.heap.max_size={s.neo4j_heap}",
                    f"server.memory.pagecache.size={s.neo4j_pagecache}",
                    "dbms.usage_report.enabled=false",
                    # Browser may play remote guides (`:guide URL`) from these hosts only: the
                    # API serves the analysts' guide (GET /guides/analyst)
                    f"browser.remote_content_hostname_whitelist={guide_hosts(s)}",
                    # a day of bulk loads and benchmarks kept tens of GB of transaction logs;
                    # nothing here reads old logs (no backups, no clustering)
                    "db.tx_log.rotation.retention_policy=1G size",
                    # Bolt's network threads wait for a quiet period of 5 s each (twice)
                    # after the databases have stopped and checkpointed: 5-10 s of every stop
                    # spent idle (an initial load stops the server once, the tests often)
                    "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                    "",
                ]
            )
        )

    def java(self) -> str:
        """The java executable (JAVA_HOME, else PATH); LocalNeo4jError if there is none."""
        return self._require_java()

    def _java_command(self, java: str, main: str, *args: str) -> list[str]:
        return [
            java,
            f"-Xms{self.settings.neo4j_heap}",
            f"-Xmx{self.settings.neo4j_heap}",
            *JVM_OPTIONS,
            *self._class_archive_options(),
            "-cp",
            f"{self.lib_dir}/*",
            main,
            *args,
        ]

    def _neo4j_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "NEO4J_HOME": str(self.home),
            "NEO4J_CONF": str(self.conf_file.parent),
        }

    def _set_initial_password(self, java: str) -> None:
        password = self.settings.neo4j_password.get_secret_value()
        result = subprocess.run(
            [
                java,
                "-cp",
                f"{self.lib_dir}/*",
                ADMIN_ENTRY_POINT,
                "dbms",
                "set-initial-password",
                password,
            ],
            capture_output=True,
            text=True,
            env=self._neo4j_env(),
            cwd=self.home,
        )
        if result.returncode != 0:
            raise LocalNeo4jError(f"could not set the initial password: {result.stderr.strip()}")

    def _spawn(self, java: str) -> int:
        command = self._java_command(
            java,
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_file.parent}",
        )
        with self.console_file.open("ab") as console:
            process = subprocess.Popen(
                command,
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.home,
                env=self._neo4j_env(),
                start_new_session=True,  # survives the CLI and ignores its Ctrl-C
            )
        self.pid_file.write_text(f"{process.pid}\n")
        return process.pid

    def _wait_until_ready(self, pid: int) -> None:
        password = self.settings.neo4j_password.get_secret_value()
        deadline = time.monotonic() + self.settings.neo4j_start_timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                self.pid_file.unlink(missing_ok=True)
                tail = " | ".join(self.logs(5)) or "no log"
                raise LocalNeo4jError(f"Neo4j exited during start-up: {tail}")
            if _port_free(self.settings.neo4j_bolt_port):
                time.sleep(_POLL_S)
                continue
            try:
                with (
                    GraphDatabase.driver(
                        self.bolt_uri, auth=(self.settings.neo4j_user, password)
                    ) as driver,
                    driver.session(database=self.settings.neo4j_database) as session,
                ):
                    # a plain run, not execute_query: no driver-level retry noise while
                    # the default database is still coming online
                    session.run(query(Query.PING)).consume()
                return
            except AuthError as exc:
                self.stop()
                raise LocalNeo4jError(
                    "Neo4j rejected TRACE_NEO4J_PASSWORD: the store in "
                    f"{self.home / 'data'} was created with another password"
                ) from exc
            except (ServiceUnavailable, SessionExpired, TransientError, OSError):
                time.sleep(_POLL_S)
        self.stop()
        raise LocalNeo4jError(
            f"Neo4j did not answer on {self.bolt_uri} within "
            f"{self.settings.neo4j_start_timeout_s:.0f} s; see {self.log_file}"
        )


def guide_hosts(settings: Settings) -> str:
    """Browser's allow-list of remote guide hosts: Neo4j's own and the API's host."""
    hosts = ["guides.neo4j.com", "localhost", "127.0.0.1"]
    if settings.api_host not in (*hosts, "0.0.0.0", "::"):
        hosts.append(settings.api_host)
    return ",".join(hosts)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not alive for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _java_major(version_output: str) -> int:
    # `java -version` prints e.g.: openjdk version "17.0.15" 2025-04-15 (or "1.8.0_392")
    try:
        quoted = version_output.split('"')[1]
    except IndexError:
        return 0
    parts = quoted.split(".")
    major = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    return int(major) if major.isdigit() else 0
