"""Bulk loading: stream big EPCIS JSON-LD and XML files into the graph, batch by batch.

A file is read twice: once for its header (the `@context` and master data), once for its
events, which are parsed, normalised and written a batch at a time by `Ingestor.load` (the
next batch is parsed while the last is written), so memory does not grow with the size of the
document. Each batch is one transaction that first
asks the database which of its events exist, so loading a file again after a crash, or
loading it twice, stores nothing twice.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import orjson

from trace_engine.epcis import (
    iter_json_events,
    iter_xml_events,
    normalise_event,
    read_json_header,
    read_xml_header,
)
from trace_engine.epcis.model import Event, ParsedDocument, Rejected
from trace_engine.epcis.normalise import namespaces_from_context
from trace_engine.errors import InvalidDocument
from trace_engine.ingest import CaptureOutcome, EventResult, Ingestor, Status
from trace_engine.ingest.master_data import check_master_data
from trace_engine.seed.generator import MANIFEST_NAME

JSON_SUFFIXES = (".json", ".jsonld")
XML_SUFFIXES = (".xml",)
_SNIFF_BYTES = 4096


class Format(enum.StrEnum):
    """The syntax of an EPCIS file."""

    JSON = "json"
    XML = "xml"


@dataclass
class FileReport:
    """What became of one file: the per-event outcome, or why it could not be read (or both,
    when it broke off part-way: the events before the break are stored)."""

    path: Path
    size: int = 0
    outcome: CaptureOutcome = field(default_factory=CaptureOutcome)
    error: str | None = None
    ignored_master_data: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.outcome.total

    @property
    def accepted(self) -> int:
        return self.outcome.accepted

    @property
    def duplicates(self) -> int:
        return self.outcome.duplicates

    @property
    def rejected(self) -> list[EventResult]:
        """The rejected events, in document order."""
        return [r for r in self.outcome.results if r.status is Status.REJECTED]

    def as_dict(self) -> dict[str, Any]:
        """JSON form: counts, the read error if any, and every rejected event."""
        return {
            "path": str(self.path),
            "bytes": self.size,
            "events": self.total,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "error": self.error,
            "rejectedEvents": [r.as_dict() for r in self.rejected],
        }


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files to load: each file as given; of a folder, the files its generator manifest
    lists, else its *.json, *.jsonld and *.xml files in name order."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        manifest = _manifest_files(path / MANIFEST_NAME)
        if manifest is not None:
            files.extend(path / name for name in manifest)
            continue
        files.extend(
            sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in JSON_SUFFIXES + XML_SUFFIXES
                and p.name != MANIFEST_NAME
            )
        )
    return files


def _manifest_files(path: Path) -> list[str] | None:
    """The event files a generator manifest lists, if `path` is one."""
    try:
        manifest = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if isinstance(files, list) and all(isinstance(f, str) for f in files):
        return files
    return None


def detect_format(path: Path, given: Format | None = None) -> Format:
    """The format given, else the one the suffix names, else the one the first byte shows."""
    if given is not None:
        return given
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return Format.JSON
    if suffix in XML_SUFFIXES:
        return Format.XML
    with path.open("rb") as fh:
        start = fh.read(_SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return Format.JSON
    if start == b"<":
        return Format.XML
    raise InvalidDocument("neither JSON nor XML (use --content-type json|xml)")


class _CountingReader:
    """A binary file that reports how many bytes each read returned."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self._on_read is not None and data:
            self._on_read(len(data))
        return data


def read_header(path: Path, fmt: Format) -> tuple[Any, ParsedDocument]:
    """The `@context` and master data of a file."""
    if fmt is Format.JSON:
        with path.open("rb") as fh:
            return read_json_header(fh)
    return read_xml_header(path)


def iter_events(
    path: Path,
    fmt: Format,
    context: Any,
    report: FileReport,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Event | Rejected]:
    """The file's events, normalised; a read error ends the stream and is kept on the report."""
    try:
        with path.open("rb") as raw:
            reader = cast(IO[bytes], _CountingReader(raw, on_bytes))
            if fmt is Format.JSON:
                for index, event in iter_json_events(reader):
                    yield normalise_event(index, event, context)
            else:
                # filled with the extension prefixes as the parser meets them
                namespaces = namespaces_from_context(context)
                for index, item in iter_xml_events(reader, namespaces):
                    if isinstance(item, Rejected):
                        yield item  # refused by the XML schema
                    else:
                        yield normalise_event(index, item, [namespaces])
    except (OSError, InvalidDocument) as exc:
        report.error = str(exc)


def load_file(
    ingestor: Ingestor,
    path: Path,
    org: str,
    fmt: Format | None = None,
    *,
    on_bytes: Callable[[int], None] | None = None,
    on_batch: Callable[[CaptureOutcome], None] | None = None,
) -> FileReport:
    """Stream one file into the graph as events of `org`, one transaction per batch."""
    report = FileReport(path)
    try:
        report.size = path.stat().st_size
        fmt = detect_format(path, fmt)
        context, master = read_header(path, fmt)
        check_master_data(master, org)  # before anything of the file is written
    except (OSError, InvalidDocument) as exc:
        report.error = str(exc)
        return report
    report.ignored_master_data = master.ignored_master_data
    events = iter_events(path, fmt, context, report, on_bytes)
    report.outcome = ingestor.load(events, master, org, progress=on_batch)
    if report.error is None and not report.total and not (master.facilities or master.products):
        report.error = (
            "no events and no master data found (expected an EPCISDocument with "
            "epcisBody.eventList, or EPCIS XML with an EventList)"
        )
    return report


def load_files(
    ingestor: Ingestor,
    paths: Iterable[Path],
    org: str,
    fmt: Format | None = None,
    *,
    on_bytes: Callable[[int], None] | None = None,
    on_batch: Callable[[Path, CaptureOutcome], None] | None = None,
) -> list[FileReport]:
    """Load each file in turn; a file that cannot be read does not stop the others."""
    reports = []
    for path in paths:

        def batch_done(outcome: CaptureOutcome, path: Path = path) -> None:
            if on_batch is not None:
                on_batch(path, outcome)

        reports.append(load_file(ingestor, path, org, fmt, on_bytes=on_bytes, on_batch=batch_done))
    return reports
