"""The account of a capture: counts, batch status, and folding for bounded bulk memory."""

from __future__ import annotations

from trace_engine.ingest import CaptureOutcome, EventResult, Status


def _outcome() -> CaptureOutcome:
    statuses = [Status.ACCEPTED, Status.REJECTED, Status.DUPLICATE, Status.ACCEPTED]
    return CaptureOutcome([EventResult(i, f"e{i}", s) for i, s in enumerate(statuses)])


def test_counts_and_batch_status() -> None:
    outcome = _outcome()
    assert (outcome.total, outcome.accepted, outcome.rejected, outcome.duplicates) == (4, 2, 1, 1)
    assert outcome.batch_status == "PARTIALLY_ACCEPTED"
    assert CaptureOutcome([EventResult(0, "e", Status.REJECTED)]).batch_status == "REJECTED"
    assert CaptureOutcome([EventResult(0, "e", Status.DUPLICATE)]).batch_status == "ACCEPTED"


def test_folding_keeps_the_counts_and_only_the_rejected_results() -> None:
    outcome = _outcome()
    before = outcome.summary()
    outcome.fold()
    assert [r.index for r in outcome.results] == [1]
    after = outcome.summary()
    for key in ("batchStatus", "totalCount", "acceptedCount", "rejectedCount", "duplicateCount"):
        assert after[key] == before[key], key
    outcome.results.append(EventResult(4, "e4", Status.ACCEPTED))
    outcome.fold()
    assert (outcome.total, outcome.accepted) == (5, 3)
