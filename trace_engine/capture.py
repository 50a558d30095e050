"""The EPCIS capture interface's logic: limits, capture jobs, single-event capture.

HTTP-free: `api/routers/epcis.py` translates requests into these calls. Jobs are stored in
Neo4j, so any API process can answer GET /epcis/capture/{id}.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from neo4j import AsyncSession, Driver

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
from trace_engine.ingest import (
    CaptureOutcome,
    ErrorBehaviour,
    EventResult,
    Ingestor,
    Status,
)
from trace_engine.kit.timestamps import now_utc

log = logging.getLogger(__name__)


class CaptureService:
    """Parses, limits and stores captures for one org at a time."""

    def __init__(
        self,
        driver: Driver,
        settings: Settings,
        on_write: Callable[[set[str]], object] | None = None,
    ) -> None:
        self.driver = driver
        self.settings = settings
        self.database = settings.neo4j_database
        self.ingestor = Ingestor(
            driver, self.database, settings.ingest_batch_size, on_write=on_write
        )

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
            session.execute_write(
                capture_jobs.create_job, job_id, org, now_utc(), behaviour.value, total
            )
        return job_id

    def run_job(
        self, job_id: str, document: ParsedDocument, org: str, behaviour: ErrorBehaviour
    ) -> CaptureOutcome:
        """Store the document and record the outcome on the job."""
        try:
            outcome = self.ingestor.capture(document, org, behaviour, capture_id=job_id)
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
        with self.driver.session(database=self.database) as session:
            session.execute_write(
                capture_jobs.finish_job,
                job_id,
                success,
                finished_at,
                orjson.dumps(summary).decode(),
            )


def _result_for(index: int, item: Event | Rejected, reason: str) -> EventResult:
    return EventResult(index, item.event_id, Status.REJECTED, reason=reason)


async def read_job(session: AsyncSession, job_id: str, org: str) -> dict[str, Any]:
    """The CaptureJob resource of `job_id` for `org` (NotFound for anyone else's)."""
    job = await session.execute_read(capture_jobs.get_job, job_id, org)
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
    body: dict[str, Any] = {
        "captureID": job["id"],
        "createdAt": job["createdAt"],
        "running": not summary,
        "success": summary.pop("success", True),
        "captureErrorBehaviour": job["captureErrorBehaviour"],
        "errors": [
            _problem(r) for r in summary.get("results", []) if r["status"] == Status.REJECTED.value
        ],
    }
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
