"""`trace-engine load --initial`: progress bars per phase and the summary (the work is in
`trace_engine/initial/`)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from trace_engine.bulk import FileReport, Format
from trace_engine.config import get_settings
from trace_engine.errors import DatabaseNotEmpty, InitialLoadError, LocalNeo4jError
from trace_engine.runtime import tune_gc

console = Console()
err = Console(stderr=True)


class _Rate(ProgressColumn):
    """Events per second of a phase (from the events done, or the load's events over the
    phase's time for the phases that are not counted in events)."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "events")
        events = task.fields.get("events")
        elapsed = task.elapsed or 0.0
        if unit == "events" and elapsed > 0:
            return Text(f"{task.completed / elapsed:,.0f} events/s", style="progress.data.speed")
        if events and elapsed > 0:
            return Text(f"{events / elapsed:,.0f} events/s", style="progress.data.speed")
        return Text("")


class _Bars:
    """One progress bar per phase (parse, write nodes, import, swap, index build, …)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.events = 0
        self.phases: list[tuple[str, float]] = []
        self._began = 0.0
        self._name = ""

    def _close(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            if task.total is None:
                done = max(task.completed, 1)
                self.progress.update(self.task, total=done, completed=done)
            else:
                self.progress.update(self.task, completed=task.total)
            self.progress.stop_task(self.task)
            self.phases.append((self._name, time.monotonic() - self._began))

    def start(self, name: str, total: float | None, unit: str = "events") -> None:
        self._close()
        if name == "write nodes":
            self.events = int(self.progress.tasks[-1].completed) if self.progress.tasks else 0
        self._name, self._began = name, time.monotonic()
        events = self.events if unit != "events" else None
        self.task = self.progress.add_task(name, total=total, unit=unit, detail="", events=events)

    def advance(self, amount: float) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def update(self, completed: float, detail: str | None = None) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=completed, detail=detail or "")

    def note(self, text: str) -> None:
        self.progress.console.print(f"  {text}", highlight=False)

    def finish(self) -> None:
        self._close()
        self.task = None


def initial_load(
    files: list[Path],
    org: str,
    fmt: Format | None,
    *,
    jobs: int,
    replace: bool,
    yes: bool,
    work_dir: Path | None,
    keep_files: bool,
) -> list[FileReport]:
    """Run `load --initial` with progress bars; print the phases' times and what to do next."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from trace_engine.initial import service

    settings = get_settings()
    tune_gc()
    load = service.InitialLoad(files, org, fmt, jobs, work_dir, keep_files)
    local = service.is_local(settings)
    try:
        if local:
            service.require_local_server(settings)
            pending = service.pending_finish(settings)
            found = service.check_target(settings)
            load.target_empty = not found
            if pending is not None and (pending / service.PLAN).exists():
                console.print(f"Finishing the initial load killed after its import ({pending})")
                bars = _Bars(_progress())
                with bars.progress:
                    service.finish(settings, pending, bars)
                    bars.finish()
                found = {}
                console.print("Finished; now loading as asked.")
            if found and not replace:
                raise DatabaseNotEmpty(found)
            if found and not yes:
                listing = ", ".join(f"{n:,} {label}" for label, n in sorted(found.items()))
                typer.confirm(
                    f"Replace the database at {settings.neo4j_uri} ({listing})?", abort=True
                )
        bars = _Bars(_progress())
        with bars.progress:
            result = service.run(settings, load, bars)
            bars.finish()
    except (DatabaseNotEmpty, InitialLoadError, LocalNeo4jError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except ServiceUnavailable as exc:
        err.print(f"[bold red]error:[/] Neo4j is not reachable at {settings.neo4j_uri}: {exc}")
        raise typer.Exit(1) from None
    except Neo4jError as exc:
        err.print(f"[bold red]error:[/] Neo4j refused a statement: {exc}")
        raise typer.Exit(1) from None
    _print_phases(bars, result.events)
    if result.command is not None:
        console.print(
            f"\nThe import files are in {result.work_dir}. TRACE_NEO4J_URI is not the local "
            "server, so run the import on the database's host (copy the folder there, stop "
            "the database first):\n"
        )
        console.print(f"  {result.command}\n", highlight=False, soft_wrap=True)
        console.print(
            "then start the database and run, here:\n\n"
            f"  trace-engine load --initial --finish {result.work_dir}\n\n"
            "(constraints and indexes, error declarations, enterprise listings, a check) "
            "before the API serves it."
        )
    else:
        console.print(
            f"Imported {result.events:,} events: {result.nodes:,} nodes, "
            f"{result.relationships:,} relationships; Neo4j is up at {settings.neo4j_uri}."
        )
    return result.reports


def finish_import(work_dir: Path) -> None:
    """`load --initial --finish DIR`: the finish of an import run by hand on another host."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from trace_engine.initial import service

    settings = get_settings()
    if not (work_dir / service.PLAN).exists():
        err.print(f"[bold red]error:[/] {work_dir} holds no {service.PLAN}: not import files")
        raise typer.Exit(1)
    bars = _Bars(_progress())
    result = service.InitialResult([])
    try:
        with bars.progress:
            service.finish(settings, work_dir, bars, result)
            bars.finish()
    except ServiceUnavailable as exc:
        err.print(f"[bold red]error:[/] Neo4j is not reachable at {settings.neo4j_uri}: {exc}")
        raise typer.Exit(1) from None
    except Neo4jError as exc:
        err.print(f"[bold red]error:[/] Neo4j refused a statement: {exc}")
        raise typer.Exit(1) from None
    console.print(
        f"Finished: {result.nodes:,} nodes, {result.relationships:,} relationships at "
        f"{settings.neo4j_uri}."
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.completed:>12,.0f} {task.fields[unit]}"),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}"),
        console=console,
    )


def _print_phases(bars: _Bars, events: int) -> None:
    table = Table(title="Phases", title_justify="left")
    for column in ("phase", "seconds", "events/s"):
        table.add_column(column, justify="right" if column != "phase" else "left")
    total = 0.0
    for name, seconds in bars.phases:
        total += seconds
        rate = f"{events / seconds:,.0f}" if seconds > 0 else "-"
        table.add_row(name, f"{seconds:,.1f}", rate)
    table.add_section()
    table.add_row("total", f"{total:,.1f}", f"{events / total:,.0f}" if total else "-")
    console.print(table)
