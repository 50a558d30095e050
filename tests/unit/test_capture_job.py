"""The capture job resource is read from the one property written last."""

from __future__ import annotations

import orjson
import pytest

from trace_engine.capture import interrupted_summary, job_document, lease_expired
from trace_engine.errors import NotFound
from trace_engine.ingest import CaptureOutcome, EventResult, Status

CREATED = {
    "id": "job-1",
    "createdAt": "2026-01-01T00:00:00.000Z",
    "running": True,
    "success": False,
    "captureErrorBehaviour": "proceed",
    "totalCount": 2,
}


def _summary(success: bool) -> str:
    outcome = CaptureOutcome(
        [
            EventResult(0, "urn:uuid:a", Status.ACCEPTED),
            EventResult(1, "urn:uuid:b", Status.REJECTED, "eventTime", "is required"),
        ]
    )
    body = {"success": success, "finishedAt": "2026-01-01T00:00:01.000Z", **outcome.summary()}
    return orjson.dumps(body).decode()


def test_a_running_job_has_its_total_and_no_counts() -> None:
    body = job_document(dict(CREATED), "job-1")
    assert body["running"] is True
    assert body["totalCount"] == 2
    assert "acceptedCount" not in body and "finishedAt" not in body


def test_a_read_that_sees_part_of_the_finishing_write_still_says_running() -> None:
    torn = CREATED | {"running": False, "success": False}  # summary not seen yet
    body = job_document(torn, "job-1")
    assert (body["running"], body["success"]) == (True, False)
    assert "acceptedCount" not in body


def test_a_finished_job_takes_success_time_and_counts_from_its_summary() -> None:
    finished = CREATED | {"running": True, "summary": _summary(False)}  # `running` not seen yet
    body = job_document(finished, "job-1")
    assert body["running"] is False
    assert body["success"] is False
    assert body["finishedAt"] == "2026-01-01T00:00:01.000Z"
    assert (body["acceptedCount"], body["rejectedCount"], body["batchStatus"]) == (
        1,
        1,
        "PARTIALLY_ACCEPTED",
    )
    assert body["errors"][0]["instance"] == "#/epcisBody/eventList/1"
    assert "summary" not in body


def test_an_unknown_job_is_not_found() -> None:
    with pytest.raises(NotFound):
        job_document(None, "nope")


def test_success_is_never_true_while_running() -> None:
    body = job_document(CREATED | {"success": True}, "job-1")  # a job stored before leases
    assert (body["running"], body["success"]) == (True, False)


def test_a_job_past_its_lease_is_expired_and_one_within_it_is_not() -> None:
    assert lease_expired(CREATED | {"leaseUntil": 1_000}, now_ms=2_000)
    assert not lease_expired(CREATED | {"leaseUntil": 3_000}, now_ms=2_000)
    assert lease_expired(CREATED, now_ms=2_000)  # from before leases: its process is gone
    assert not lease_expired(CREATED | {"summary": _summary(True)}, now_ms=2_000)


def test_an_interrupted_job_is_failed_and_says_why() -> None:
    body = job_document(CREATED | {"summary": interrupted_summary()}, "job-1")
    assert (body["running"], body["success"]) == (False, False)
    assert "interrupted" in body["errors"][0]["detail"]
    assert "resend the document" in body["errors"][0]["detail"]
