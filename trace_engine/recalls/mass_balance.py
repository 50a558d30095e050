"""Mass balance (pure): quantities in a common unit, comparisons with a tolerance, and how much
of a recalled lot is accounted for.

Weights convert to kilograms (KGM, GRM, LBR, ONZ); every other unit (CS, EA, …) stays a count
of its own unit and only compares with the same unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

TO_KG = {"KGM": 1.0, "GRM": 0.001, "LBR": 0.45359237, "ONZ": 0.028349523125}


def common(quantity: float, uom: str | None) -> tuple[float, str | None]:
    """`quantity` of `uom` in the common unit: weights in KGM, anything else unchanged."""
    factor = TO_KG.get(uom or "")
    return (quantity * factor, "KGM") if factor is not None else (quantity, uom)


def total(quantities: Iterable[tuple[float | None, str | None]]) -> dict[str | None, float]:
    """Sum per common unit; an entry without a quantity is left out."""
    sums: dict[str | None, float] = defaultdict(float)
    for quantity, uom in quantities:
        if quantity is not None:
            value, unit = common(quantity, uom)
            sums[unit] += value
    return dict(sums)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two sides of a balance in one unit, or why they cannot be compared."""

    left: float | None
    right: float | None
    unit: str | None
    comparable: bool
    difference: float | None = None
    percent: float | None = None  # of the larger side
    discrepancy: bool = False

    def json(self) -> dict[str, Any]:
        """The comparison as a report block."""
        return {
            "unit": self.unit,
            "comparable": self.comparable,
            "difference": _round(self.difference),
            "percent": _round(self.percent),
            "discrepancy": self.discrepancy,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def compare(
    left: dict[str | None, float], right: dict[str | None, float], tolerance: float
) -> Comparison:
    """`left` against `right` (sums per unit): comparable when both are in one and the same
    unit; a discrepancy when they differ by more than `tolerance` percent of the larger."""
    if len(left) != 1 or set(left) != set(right):
        return Comparison(
            sum(left.values()) if len(left) == 1 else None,
            sum(right.values()) if len(right) == 1 else None,
            None,
            False,
        )
    unit = next(iter(left))
    a, b = left[unit], right[unit]
    diff = a - b
    base = max(abs(a), abs(b))
    percent = abs(diff) / base * 100 if base else 0.0
    return Comparison(a, b, unit, True, diff, percent, percent > tolerance + 1e-9)


@dataclass
class LotFlow:
    """Where one lot's quantity went, per facility, in the lot's common unit.

    `created` at the place the lot was made; `received` and `shipped` per facility; `used` as a
    transformation input per facility. What reached a known place = what was used, plus what
    stayed where it was received (or made) and was not shipped on.
    """

    unit: str | None
    created: float | None = None
    received: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    shipped: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    used: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, kind: str, place: str | None, quantity: float | None, uom: str | None) -> None:
        """Record a movement of the lot (`kind`: created, received, shipped, used)."""
        if quantity is None:
            return
        value, unit = common(quantity, uom)
        if unit != self.unit:
            return  # not convertible to the lot's unit: not counted either way
        where = place or "?"
        if kind == "created":
            self.created = (self.created or 0.0) + value
            self.received[where] += value
        else:
            getattr(self, kind)[where] += value

    def accounted(self) -> float:
        """The quantity that reached a known place (used, or held where it arrived)."""
        places = set(self.received) | set(self.shipped) | set(self.used)
        held = sum(
            max(0.0, self.received[p] - self.shipped[p] - self.used[p]) for p in places if p != "?"
        )
        return sum(v for p, v in self.used.items() if p != "?") + held

    def totals(self) -> dict[str, Any]:
        """The totals line: recalled, accounted for, unaccounted for (quantity and share)."""
        if not self.created:
            return {"unit": self.unit, "recalled": None, "accounted": None,
                    "unaccounted": None, "accountedShare": None}  # fmt: skip
        accounted = min(self.accounted(), self.created)
        return {
            "unit": self.unit,
            "recalled": _round(self.created),
            "accounted": _round(accounted),
            "unaccounted": _round(self.created - accounted),
            "accountedShare": _round(accounted / self.created),
        }
