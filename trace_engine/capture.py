"""The EPCIS capture interface's logic: limits, capture jobs, single-event capture.

HTTP-free: `api/routers/epcis.py` translates requests into these calls. Jobs are stored in
Neo4j, so any API process can answer GET /epcis/capture/{id}.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from neo4j import Bookmarks, Driver, Session

from trace_engine.config import Settings
from trace_engine.epcis import parse_document
from trace_engine.epcis.model import Event, ParsedDocument, Rejected
from trace_engine.errors import (
    Conflict,
    DocumentRejected,
    EventInvalid,
    InvalidDocument,
    NotFound,
    PayloadTooLarge,
)
from trace_engine.graph import capture_jobs
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.ingest import (
    CaptureOutcome,
    ErrorBehaviour,
    EventResult,
    Ingestor,
    Status,
)
from trace_engine.ingest.master_data import check_master_data
from trace_engine.kit.timestamps import now_utc

log = logging.getLogger(__name__)


class CaptureService:
    """Parses, limits and stores captures for one org at a time."""

    def __init__(
        self,
        driver: Driver,
        settings: Settings,
        on_write: Callable[[set[str]], object] | None = None,
        job_driver: Driver | None = None,
        keep_job_bookmarks: Callable[[str, list[str]], object] | None = None,
        job_bookmarks: Callable[[str], list[str]] | None = None,
    ) -> None:
        """`driver` serves requests (it fails fast); `job_driver` (default: `driver`) stores
        the documents of capture jobs, which run after the response and may retry longer.
        Several API processes (Redis): `keep_job_bookmarks(job_id, bookmarks)` is told the
        bookmarks of a job's creation and of its result, and `job_bookmarks(job_id)` gives
        them back in any process, so the job's readers wait for its writes on any member."""
        self.driver = driver
        self.keep_job_bookmarks = keep_job_bookmarks
        self.job_bookmarks = job_bookmarks
        self.settings = settings
        self.database = settings.neo4j_database
        self.ingestor = Ingestor(
            driver, self.database, settings.ingest_batch_size, on_write=on_write
        )
        self.job_ingestor = (
            Ingestor(job_driver, self.database, settings.ingest_batch_size, on_write=on_write)
            if job_driver is not None
            else self.ingestor
        )
        self.lease_ms = int(settings.capture_job_lease_s * 1000)

    def parse(self, body: bytes, content_type: str | None) -> ParsedDocument:
        """Parse a capture body, enforcing the advertised limits."""
        if len(body) > self.settings.capture_max_bytes:
            raise PayloadTooLarge(
                f"body of {len(body)} bytes exceeds GS1-EPCIS-Capture-File-Size-Limit "
                f"({self.settings.capture_max_bytes} bytes)"
            )
        document = parse_document(body, content_type)
        if not (document.items or document.facilities or document.products):
            raise InvalidDocument("the document contains no events and no master data")
        if len(document.items) > self.settings.capture_max_events:
            raise PayloadTooLarge(
                f"{len(document.items)} events exceed GS1-EPCIS-Capture-Limit "
                f"({self.settings.capture_max_events} events)"
            )
        return document

    @staticmethod
    def check_master_data(document: ParsedDocument, org: str) -> None:
        """Refuse the document at once if its master data cannot be stored (InvalidDocument
        names the element and field: `ingest.master_data`)."""
        check_master_data(document, org)

    @staticmethod
    def check_rollback(document: ParsedDocument, behaviour: ErrorBehaviour) -> None:
        """Under `rollback`, refuse the whole document at once if any event is invalid."""
        if behaviour is not ErrorBehaviour.ROLLBACK:
            return
        rejected = [item for item in document.items if isinstance(item, Rejected)]
        if rejected:
            raise DocumentRejected(rejected, len(document.items))

    def open_job(self, org: str, behaviour: ErrorBehaviour, total: int) -> str:
        """Record a running capture job; return its id."""
        job_id = uuid.uuid4().hex
        with self.driver.session(database=self.database) as session:
            write_tx(
                session,
                capture_jobs.create_job,
                job_id,
                org,
                now_utc(),
                behaviour.value,
                total,
                epoch_ms() + self.lease_ms,
            )
            self._keep_bookmarks(job_id, session)
        return job_id

    def _keep_bookmarks(self, job_id: str, session: Session) -> None:
        if self.keep_job_bookmarks is not None:
            self.keep_job_bookmarks(job_id, list(session.last_bookmarks().raw_values))

    def job(self, job_id: str, org: str) -> dict[str, Any]:
        """The CaptureJob resource (`read_job`), read after the job's latest write: on a
        cluster, a member that has not applied it yet waits until it has."""
        after = self.job_bookmarks(job_id) if self.job_bookmarks is not None else []
        with self.driver.session(
            database=self.database, bookmarks=Bookmarks.from_raw_values(after)
        ) as session:
            return read_job(session, job_id, org)

    @contextmanager
    def _heartbeat(self, job_id: str) -> Iterator[None]:
        """Renew the job's lease every third of it while the block runs."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.lease_ms / 3000):
                try:
                    with self.job_ingestor.driver.session(database=self.database) as session:
                        write_tx(
                            session, capture_jobs.renew_lease, job_id, epoch_ms() + self.lease_ms
                        )
                except Exception:  # the job itself will fail or finish; keep beating
                    log.warning("capture job %s: lease not renewed", job_id, exc_info=True)

        thread = threading.Thread(target=beat, name=f"lease-{job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def run_job(
        self, job_id: str, document: ParsedDocument, org: str, behaviour: ErrorBehaviour
    ) -> CaptureOutcome:
        """Store the document and record the outcome on the job."""
        try:
            with self._heartbeat(job_id):
                outcome = self.job_ingestor.capture(document, org, behaviour, capture_id=job_id)
        except Exception:
            log.exception("capture job %s failed", job_id)
            failed = CaptureOutcome(
                [
                    _result_for(i, item, "internal error while storing; nothing was stored")
                    for i, item in enumerate(document.items)
                ]
            )
            self._finish(job_id, failed)
            raise
        self._finish(job_id, outcome)
        return outcome

    def capture_one(self, body: bytes, content_type: str | None, org: str) -> str:
        """Store a single event; return its eventID (409 Conflict if it exists)."""
        document = self.parse(body, content_type)
        if len(document.items) != 1:
            raise InvalidDocument(
                f"POST /epcis/events takes exactly one event, got {len(document.items)}"
            )
        outcome = self.ingestor.capture(document, org, ErrorBehaviour.ROLLBACK)
        result = outcome.results[0]
        if result.status is Status.REJECTED:
            raise EventInvalid(0, result.event_id, result.field or "event", result.reason or "")
        if result.status is Status.DUPLICATE:
            raise Conflict(f"event {result.event_id} already exists")
        assert result.event_id is not None
        return result.event_id

    def _finish(self, job_id: str, outcome: CaptureOutcome) -> None:
        success, finished_at = outcome.rejected == 0, now_utc()
        summary = {"success": success, "finishedAt": finished_at, **outcome.summary()}
        with self.job_ingestor.driver.session(database=self.database) as session:
            write_tx(
                session,
                capture_jobs.finish_job,
                job_id,
                success,
                finished_at,
                orjson.dumps(summary).decode(),
            )
            self._keep_bookmarks(job_id, session)


def epoch_ms() -> int:
    """Now, in milliseconds since the epoch (capture-job leases)."""
    return int(time.time() * 1000)


INTERRUPTED = (
    "interrupted: the API process storing this document stopped before it finished. Events "
    "of batches it had committed are kept; resend the document (events already stored are "
    "recognised by eventID and not stored twice)"
)


def lease_expired(job: dict[str, Any], now_ms: int) -> bool:
    """A job still running past its lease (or from before leases) was interrupted."""
    return not job.get("summary") and int(job.get("leaseUntil") or 0) < now_ms


def interrupted_summary() -> str:
    """The summary of an interrupted job (what `job_document` reads)."""
    return orjson.dumps(
        {"success": False, "finishedAt": now_utc(), "interrupted": INTERRUPTED}
    ).decode()


def _result_for(index: int, item: Event | Rejected, reason: str) -> EventResult:
    return EventResult(index, item.event_id, Status.REJECTED, reason=reason)


def read_job(session: Session, job_id: str, org: str) -> dict[str, Any]:
    """The CaptureJob resource of `job_id` for `org` (NotFound for anyone else's). A job still
    running past its lease is marked interrupted first (once, in the graph): its process died."""
    job = read_tx(session, capture_jobs.get_job, job_id, org)
    if job is not None and lease_expired(job, epoch_ms()):
        job = write_tx(
            session,
            capture_jobs.interrupt_job,
            job_id,
            org,
            epoch_ms(),
            now_utc(),
            interrupted_summary(),
        ) or read_tx(session, capture_jobs.get_job, job_id, org)
    return job_document(job, job_id)


def job_document(job: dict[str, Any] | None, job_id: str) -> dict[str, Any]:
    """The CaptureJob resource of the REST bindings, with the per-event account added.

    Whether the job has finished, and how, is read from the one property written last
    (`summary`, which holds the outcome, `success` and `finishedAt`): a read that runs while
    the job is being finished can see some of the node's new properties and not others.
    """
    if job is None:
        raise NotFound("capture job", job_id)
    summary: dict[str, Any] = orjson.loads(job["summary"]) if job.get("summary") else {}
    interrupted = summary.pop("interrupted", None)
    body: dict[str, Any] = {
        "captureID": job["id"],
        "createdAt": job["createdAt"],
        "running": not summary,
        # never true while running
        "success": bool(summary.pop("success", False)),
        "captureErrorBehaviour": job["captureErrorBehaviour"],
        "errors": [
            _problem(r) for r in summary.get("results", []) if r["status"] == Status.REJECTED.value
        ],
    }
    if interrupted:
        body["errors"].append(
            {
                "type": "epcisException:ImplementationException",
                "title": "Capture interrupted",
                "status": 500,
                "detail": interrupted,
                "instance": f"/epcis/capture/{job['id']}",
            }
        )
    if summary:
        body["finishedAt"] = summary.pop("finishedAt")
        body.update(summary)
    else:
        body["totalCount"] = job.get("totalCount")
    return body


def _problem(result: dict[str, Any]) -> dict[str, Any]:
    field = result.get("field")
    where = f"{field}: " if field else ""
    return {
        "type": "epcisException:ValidationException",
        "title": "Invalid EPCIS event",
        "status": 400,
        "detail": f"event {result['index']} (eventID {result.get('eventID')}): "
        f"{where}{result.get('reason')}",
        "instance": f"#/epcisBody/eventList/{result['index']}",
    }
