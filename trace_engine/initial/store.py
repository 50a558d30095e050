"""The import phase: `neo4j-admin database import full` into a staging store, then a swap.

The importer writes the database into a staging data directory beside the live one
(`data-initial/` in the server's home: same disk, its own store lock, so the server keeps
serving meanwhile). Only once that import has finished is a marker file written (and fsynced)
in the data directory; the server is stopped, the live store and its transaction logs are
renamed aside, the staged ones renamed into place, and the marker moves on to "finish".
A kill before the marker leaves the previous store untouched (the staged one is removed by the
next run); a kill after it is finished by the next `trace-engine neo4j start` or load
(`finish_pending_swap`, idempotent), so the server only ever opens the previous database or the
complete new one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from trace_engine.errors import InitialLoadError
from trace_engine.initial.files import ARRAY_DELIMITER_OPTION, Group

STAGING = "data-initial"  # the staging data directory, in the server's home
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
MARKER = "initial-load.json"
_STORE_PARTS = ("databases", "transactions")
_ASIDE = ".replaced-by-initial-load"


@dataclass(frozen=True)
class ImportFiles:
    """The files of one import: a header per group and the data files, in an argument file."""

    folder: Path
    nodes: list[Group]
    relationships: list[Group]
    multiline: bool
    # --strict=true compares each relationship's end ids with the nodes' own ids, which only
    # tells a relationship to a missing node from one to a node whose id encodes alike; every
    # node a relationship names is written by construction (the parse gathers each node its
    # events, lineage and listings name), so the check found nothing and cost the importer's
    # relationship stage 40 % (bench/RESULTS.md); bench/initial_import.py can turn it back on
    strict: bool = False

    def arguments(self, relative: bool = False) -> list[str]:
        """The importer's options for these files (paths relative to `folder` if asked)."""

        def path(p: Path) -> str:
            return str(p.relative_to(self.folder)) if relative else str(p)

        args = [
            f"--array-delimiter={ARRAY_DELIMITER_OPTION}",
            "--id-type=integer",  # see files.py
            f"--strict={str(self.strict).lower()}",
        ]
        if self.multiline:
            args.append("--multiline-fields=true")
        for option, groups in (("--nodes", self.nodes), ("--relationships", self.relationships)):
            for group in groups:
                header = self.folder / f"{group.key.slug}.header.csv"
                files = ",".join(path(p) for p in [header, *file_patterns(group.files)])
                args.append(f"{option}={group.key.name}={files}")
        return args

    def write_headers(self) -> None:
        """Write each group's header file."""
        for group in [*self.nodes, *self.relationships]:
            header = self.folder / f"{group.key.slug}.header.csv"
            header.write_text(group.key.header(), encoding="utf-8")

    def write_argument_file(self, relative: bool = False) -> Path:
        """`import.args`: the options, one per line, for `neo4j-admin … @import.args`."""
        target = self.folder / "import.args"
        lines = [_argfile_quote(arg) for arg in self.arguments(relative)]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target


def file_patterns(files: Sequence[Path]) -> list[Path]:
    """The importer's file arguments for these files: one per folder, a regular expression
    that matches exactly their names (the importer reads the matches in name order).

    The importer takes every file argument as a regular expression and lists its folder to
    match it, so one argument per part file made its start quadratic in the number of files:
    1,379 part files (1M events) took 4-7 s of listing and matching before the first node was
    read. One argument per group and folder lists the folder once.
    """
    by_folder: dict[Path, list[str]] = {}
    for file in files:
        by_folder.setdefault(file.parent, []).append(file.name)
    return [folder / _names_pattern(names) for folder, names in by_folder.items()]


def _names_pattern(names: list[str]) -> str:
    """A regular expression matching exactly `names`: their common start and end once, the
    parts that differ as alternatives (`n-Event-….(?:000000|000001|…).csv`)."""
    if len(names) == 1:
        return re.escape(names[0])
    start = os.path.commonprefix(names)
    end = os.path.commonprefix([n[len(start) :][::-1] for n in names])[::-1]
    middles = [n[len(start) : len(n) - len(end)] for n in names]
    return re.escape(start) + "(?:" + "|".join(map(re.escape, middles)) + ")" + re.escape(end)


def matching_files(pattern: Path) -> list[Path]:
    """The files a file argument of the importer names, in its order (names sorted)."""
    if not pattern.parent.is_dir():
        return []
    match = re.compile(pattern.name).fullmatch
    return sorted(p for p in pattern.parent.iterdir() if match(p.name) and p.is_file())


def _argfile_quote(arg: str) -> str:
    # picocli argument files: a quoted argument keeps spaces; backslash escapes in quotes
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_argument_file(path: Path) -> list[str]:
    """The arguments of an `import.args` this module wrote (its quoting undone)."""
    return [
        re.sub(r"\\(.)", r"\1", line.strip()[1:-1])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def admin_command_text(files: ImportFiles, database: str) -> str:
    """The command to run on the database's own host (from inside the files' folder)."""
    return (
        f"cd {shlex.quote(str(files.folder))} && neo4j-admin database import full "
        f"--overwrite-destination=true {shlex.quote(database)} @import.args"
    )


def staging_dir(data: Path) -> Path:
    """The staging data directory beside the live one."""
    return data.parent / STAGING


def remove_staging(data: Path) -> None:
    """Remove a staged store a killed import left behind."""
    shutil.rmtree(staging_dir(data), ignore_errors=True)


def staging_config(data: Path, logs: Path) -> Path:
    """A configuration folder that points the importer at the staging data directory."""
    conf = staging_dir(data) / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").write_text(
        f"server.directories.data={staging_dir(data)}\nserver.directories.logs={logs}\n"
    )
    return conf


def import_command(
    java: str,
    home: Path,
    database: str,
    files: ImportFiles,
    heap: str,
    memory: str,
    options: Sequence[str] = (),
) -> tuple[list[str], dict[str, str]]:
    """The importer's command line (into the staging data directory) and its environment;
    `options` are more importer options (bench/initial_import.py tries some)."""
    args = files.write_argument_file()
    data = home / "data"
    conf = staging_config(data, home / "logs")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf)}
    lib = home / "lib"
    command = [
        java,
        f"-Xmx{heap}",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-cp",
        f"{lib}/*",
        ADMIN_TOOL,
        "database",
        "import",
        "full",
        f"--max-off-heap-memory={memory}",
        f"--report-file={files.folder / 'import.report'}",
        *options,
        database,  # before the argument file: its options take any number of files
        f"@{args}",
    ]
    return command, env


def run_import(
    java: str,
    home: Path,
    database: str,
    files: ImportFiles,
    heap: str,
    memory: str,
    on_line: Callable[[str], None],
    options: Sequence[str] = (),
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """Run `neo4j-admin database import full` into the staging data directory; raise with
    the importer's last lines if it fails. `meanwhile` is called once the importer has been
    started (its output waits in the pipe)."""
    command, env = import_command(java, home, database, files, heap, memory, options)
    tail: list[str] = []
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=home,
        text=True,
        bufsize=1,
    ) as process:
        assert process.stdout is not None
        if meanwhile is not None:
            meanwhile()
        for line in process.stdout:
            line = line.rstrip("\n")
            on_line(line)
            if line.strip():
                tail = [*tail[-15:], line]
        code = process.wait()
    if code != 0:
        raise InitialLoadError("\n".join(tail) or f"neo4j-admin exited with {code}")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_marker(data: Path, phase: str, **extra: object) -> None:
    """Record (durably) that the load reached `phase` ("swap" or "finish")."""
    tmp = data / (MARKER + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(orjson.dumps({"phase": phase, **extra}))
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(data / MARKER)
    _fsync_dir(data)


def read_marker(data: Path) -> dict[str, object] | None:
    """The marker of an unfinished initial load, if there is one."""
    try:
        marker = orjson.loads((data / MARKER).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return marker if isinstance(marker, dict) else None


def clear_marker(data: Path) -> None:
    (data / MARKER).unlink(missing_ok=True)
    _fsync_dir(data)


def finish_pending_swap(data: Path, database: str = "neo4j") -> bool:
    """Put a completely imported staging store in place of the live one if a load was killed
    between its import and its swap (the server must be stopped); True if there was one."""
    marker = read_marker(data)
    if marker is None or marker.get("phase") != "swap":
        return False
    for part in _STORE_PARTS:
        staged, live = staging_dir(data) / part / database, data / part / database
        aside = data / part / (database + _ASIDE)
        if staged.exists():
            if live.exists():
                shutil.rmtree(aside, ignore_errors=True)
                live.rename(aside)
            staged.rename(live)
        _fsync_dir(data / part)
    write_marker(data, "finish", **{k: v for k, v in marker.items() if k != "phase"})
    for part in _STORE_PARTS:
        shutil.rmtree(data / part / (database + _ASIDE), ignore_errors=True)
    remove_staging(data)
    return True


def group_lists(groups: Sequence[Group]) -> tuple[list[Group], list[Group]]:
    """Split groups into node groups and relationship groups (stable order)."""
    nodes = sorted((g for g in groups if g.key.kind == "nodes"), key=lambda g: g.key.slug)
    rels = sorted((g for g in groups if g.key.kind == "relationships"), key=lambda g: g.key.slug)
    return nodes, rels
