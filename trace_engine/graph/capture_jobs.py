"""The capture-job repository: a job per POST /epcis/capture, readable from any API process."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query


def create_job(
    tx: ManagedTransaction,
    job_id: str,
    org: str,
    created_at: str,
    behaviour: str,
    total: int,
    lease_until: int,
) -> None:
    """Record a new, running job, leased until `lease_until` (epoch ms)."""
    tx.run(
        query(Query.CAPTURE_JOB_CREATE),
        id=job_id,
        org=org,
        createdAt=created_at,
        behaviour=behaviour,
        totalCount=total,
        leaseUntil=lease_until,
    ).consume()


def capture_floor(tx: ManagedTransaction, now_ms: int) -> str | None:
    """When the earliest capture job still being written started, or None: its events will be
    recorded after it but are not committed yet, so a delivery position must not pass it."""
    floor = tx.run(query(Query.CAPTURE_JOBS_FLOOR), nowMs=now_ms).single(strict=True)["floor"]
    return str(floor) if floor is not None else None


def renew_lease(tx: ManagedTransaction, job_id: str, lease_until: int) -> None:
    """The storing process is still at work on the job."""
    tx.run(query(Query.CAPTURE_JOB_RENEW), id=job_id, leaseUntil=lease_until).consume()


def interrupt_job(
    tx: ManagedTransaction, job_id: str, org: str, now: int, finished_at: str, summary: str
) -> dict[str, Any] | None:
    """Mark the job failed if its lease ran out while it was running; the job after that."""
    result = tx.run(
        query(Query.CAPTURE_JOB_INTERRUPT),
        id=job_id,
        org=org,
        now=now,
        finishedAt=finished_at,
        summary=summary,
    )
    record = result.single()
    return dict(record["job"]) if record else None


def finish_job(
    tx: ManagedTransaction, job_id: str, success: bool, finished_at: str, summary: str
) -> None:
    """Mark a job finished with its outcome."""
    tx.run(
        query(Query.CAPTURE_JOB_FINISH),
        id=job_id,
        success=success,
        finishedAt=finished_at,
        summary=summary,
    ).consume()


def get_job(tx: ManagedTransaction, job_id: str, org: str) -> dict[str, Any] | None:
    """The job's stored properties, if it belongs to `org`."""
    result = tx.run(query(Query.CAPTURE_JOB_GET), id=job_id, org=org)
    record = result.single()
    return dict(record["job"]) if record else None


def list_jobs(
    tx: ManagedTransaction, org: str, after: tuple[str, str] | None, limit: int
) -> list[dict[str, Any]]:
    """The org's jobs, newest first, after the (createdAt, id) position."""
    created, job_id = after or ("\uffff", "")
    result = tx.run(
        query(Query.CAPTURE_JOBS_LIST), org=org, afterCreated=created, afterId=job_id, limit=limit
    )
    return [dict(record["job"]) for record in result]
