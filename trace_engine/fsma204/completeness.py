"""KDE completeness (pure aggregation): per CTE, how many events and the share of each
required KDE present; and every event that lacks one, so a firm can fix it before FDA asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trace_engine.fsma204.cte import Cte, reference_documents
from trace_engine.fsma204.rows import REQUIRED_KDES, missing_kdes


@dataclass
class Completeness:
    """Running totals of a completeness report."""

    events: dict[Cte, int] = field(default_factory=dict)
    present: dict[Cte, dict[str, int]] = field(default_factory=dict)
    incomplete: list[dict[str, Any]] = field(default_factory=list)

    def add(self, event: dict[str, Any], cte: Cte, rows: list[dict[str, Any]]) -> None:
        """Count one CTE event, given its spreadsheet rows."""
        missing = missing_kdes(cte, rows)
        self.events[cte] = self.events.get(cte, 0) + 1
        counts = self.present.setdefault(cte, dict.fromkeys(REQUIRED_KDES[cte], 0))
        for kde in REQUIRED_KDES[cte]:
            if kde not in missing:
                counts[kde] += 1
        if missing:
            docs = reference_documents(event)
            self.incomplete.append(
                {
                    "eventID": event.get("eventID"),
                    "cte": cte.value,
                    "eventTime": event.get("eventTime"),
                    "missing": missing,
                    "referenceDocument": (
                        {"type": docs[0][0], "number": docs[0][1]} if docs else None
                    ),
                }
            )

    def json(self) -> dict[str, Any]:
        """The report body (without the scope, which the service adds)."""
        ctes = []
        for cte in Cte:
            n = self.events.get(cte)
            if not n:
                continue
            ctes.append(
                {
                    "cte": cte.value,
                    "events": n,
                    "kdes": [
                        {"kde": kde, "present": count, "share": round(count / n, 4)}
                        for kde, count in self.present[cte].items()
                    ],
                }
            )
        total = sum(self.events.values())
        return {
            "events": total,
            "completeEvents": total - len(self.incomplete),
            "ctes": ctes,
            "incompleteEvents": self.incomplete,
        }
