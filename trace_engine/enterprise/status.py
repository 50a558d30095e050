"""A collection batch's row for the `GET /api/v1/batches` listing, derived from its events (pure).

A batch is a lot an org created at one of its farms: an ObjectEvent with action ADD and
bizStep `commissioning` or `creating_class_instance` whose bizLocation is a facility the org
registered as a farm. Its status is the furthest of these stages its events reached
(`docs/enterprise.md` has the whole derivation):

1. `collecting`: only its collection events exist (more ADDs at the farm add weight).
2. `completed`: any other event of the org names the lot (a closing observation, a receipt, a
   move: the next step).
3. `aggregated`: the lot is an input of a transformation (bulking, bagging) or a child of an
   aggregation (packed into a container).
4. `shipped`: a shipping event names the lot or anything it went into (a transformation output,
   a container, transitively).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

WEIGHT_UNITS: dict[str, Decimal] = {
    # UN/ECE Recommendation 20 codes → kilograms
    "KGM": Decimal(1),
    "GRM": Decimal("0.001"),
    "TNE": Decimal(1000),
    "LBR": Decimal("0.45359237"),
    "ONZ": Decimal("0.028349523125"),
}
BAG_UNITS = frozenset({"BG", "XBG", "XSA", "XBJ"})
"""Quantities counted as bags (Rec 20 `BG`, Rec 21 `XBG` bag, `XSA` sack, `XBJ` bucket)."""

CREATING_STEPS = (
    "urn:epcglobal:cbv:bizstep:commissioning",
    "urn:epcglobal:cbv:bizstep:creating_class_instance",
)
SHIPPING_STEP = "urn:epcglobal:cbv:bizstep:shipping"


class BatchStatus(enum.StrEnum):
    """The stages of a collection batch, in order."""

    COLLECTING = "collecting"
    COMPLETED = "completed"
    AGGREGATED = "aggregated"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class Collection:
    """One collection event of the lot: when, where, by whom, and its quantities."""

    event_id: str
    event_time: str
    record_time: str
    farm_id: str
    agent_id: str | None
    quantities: tuple[tuple[float | None, str | None], ...] = ()


@dataclass(frozen=True)
class BatchFacts:
    """What the graph says about one lot of one org (read by `enterprise_batch_facts`)."""

    lot_id: str
    collections: tuple[Collection, ...]
    later_events: int = 0
    aggregated: bool = False
    shipped: bool = False
    notes: str | None = None


@dataclass
class BatchRow:
    """The stored listing row of a batch."""

    id: str
    farm_id: str
    agent_id: str | None
    status: BatchStatus
    total_weight: float
    bag_count: int
    collected_at: str
    created_at: str
    notes: str | None = None
    collection_events: list[str] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        """The Batch node's properties."""
        return {
            "id": self.id,
            "farmId": self.farm_id,
            "agentId": self.agent_id,
            "status": self.status.value,
            "totalWeight": self.total_weight,
            "bagCount": self.bag_count,
            "collectedAt": self.collected_at,
            "createdAt": self.created_at,
            "notes": self.notes,
        }


def to_kilograms(quantity: float | None, uom: str | None) -> Decimal | None:
    """A quantity in kilograms, or None if it is not a weight (a missing uom is not KGM)."""
    if quantity is None or uom is None:
        return None
    factor = WEIGHT_UNITS.get(uom.upper())
    return None if factor is None else Decimal(str(quantity)) * factor


def derive_status(facts: BatchFacts) -> BatchStatus:
    """The furthest stage the lot's events reached."""
    if facts.shipped:
        return BatchStatus.SHIPPED
    if facts.aggregated:
        return BatchStatus.AGGREGATED
    if facts.later_events:
        return BatchStatus.COMPLETED
    return BatchStatus.COLLECTING


def batch_row(facts: BatchFacts) -> BatchRow | None:
    """The listing row of a lot, or None if it has no collection event (not a batch)."""
    if not facts.collections:
        return None
    ordered = sorted(facts.collections, key=lambda c: (c.event_time, c.event_id))
    first = ordered[0]
    weight = Decimal(0)
    bags = Decimal(0)
    for collection in ordered:
        for quantity, uom in collection.quantities:
            kilograms = to_kilograms(quantity, uom)
            if kilograms is not None:
                weight += kilograms
            elif quantity is not None and uom is not None and uom.upper() in BAG_UNITS:
                bags += Decimal(str(quantity))
    return BatchRow(
        id=facts.lot_id,
        farm_id=first.farm_id,
        agent_id=next((c.agent_id for c in ordered if c.agent_id), None),
        status=derive_status(facts),
        total_weight=float(weight),
        bag_count=int(bags),
        collected_at=first.event_time,
        created_at=min(c.record_time for c in ordered),
        notes=facts.notes,
        collection_events=[c.event_id for c in ordered],
    )
