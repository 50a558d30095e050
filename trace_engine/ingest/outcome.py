"""What a capture reports per event and in all: accepted, duplicate or rejected, and why."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class ErrorBehaviour(enum.StrEnum):
    """GS1-Capture-Error-Behaviour: what to do when some events of a document are invalid."""

    ROLLBACK = "rollback"  # store nothing
    PROCEED = "proceed"  # store the valid events, report the others


class Status(enum.StrEnum):
    """What became of one event."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    NOT_STORED = "not_stored"  # valid, but the document was rolled back


@dataclass(slots=True)
class EventResult:
    """The outcome for the event at `index` of its document."""

    index: int
    event_id: str | None
    status: Status
    field: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form (camelCase, only the fields that apply)."""
        body: dict[str, Any] = {"index": self.index, "eventID": self.event_id}
        body["status"] = self.status.value
        if self.field is not None:
            body["field"] = self.field
        if self.reason is not None:
            body["reason"] = self.reason
        return body


@dataclass
class CaptureOutcome:
    """Per-event results of one capture, with counts like a retailer's EPCIS batch response."""

    results: list[EventResult] = field(default_factory=list)
    # results folded into counts (bulk loading keeps only the rejected ones, so its memory
    # does not grow with the file)
    folded: dict[Status, int] = field(default_factory=dict)

    def count(self, status: Status) -> int:
        """How many events ended with `status`."""
        return self.folded.get(status, 0) + sum(1 for r in self.results if r.status is status)

    @property
    def total(self) -> int:
        """How many events there were."""
        return sum(self.folded.values()) + len(self.results)

    def fold(self) -> None:
        """Keep only the rejected events' results; count the others."""
        kept = []
        for result in self.results:
            if result.status is Status.REJECTED:
                kept.append(result)
            else:
                self.folded[result.status] = self.folded.get(result.status, 0) + 1
        self.results = kept

    @property
    def accepted(self) -> int:
        return self.count(Status.ACCEPTED)

    @property
    def duplicates(self) -> int:
        return self.count(Status.DUPLICATE)

    @property
    def rejected(self) -> int:
        return self.count(Status.REJECTED)

    @property
    def batch_status(self) -> str:
        """ACCEPTED (nothing rejected), PARTIALLY_ACCEPTED or REJECTED (nothing stored)."""
        if self.rejected == 0:
            return "ACCEPTED"
        return "PARTIALLY_ACCEPTED" if self.accepted else "REJECTED"

    def summary(self) -> dict[str, Any]:
        """The counts and per-event results as JSON."""
        return {
            "batchStatus": self.batch_status,
            "totalCount": self.total,
            "acceptedCount": self.accepted,
            "rejectedCount": self.rejected,
            "duplicateCount": self.duplicates,
            "results": [r.as_dict() for r in self.results],
        }
