"""A shipment's readiness from its upstream trace (pure): which farms its weight comes from.

The weight a shipment carries flows upstream through the lineage the caller may see:

- a lot that is a collection batch gives its weight to the batch's farm (split by the batches'
  weights if several orgs collected the same lot);
- a container gives its weight to its contents, in proportion to their weights (equally when a
  content's weight is unknown);
- a transformation output gives its weight to the transformation's inputs, in proportion to the
  input quantities in kilograms (else the inputs' own weights, else equally); an output made by
  several transformations splits its weight equally between them;
- anything else is *untraced*: its weight reaches no farm.

`readiness_score` = floor(100 × weight reaching approved farms / total weight), computed with
exact fractions (so 70 % is never 69, and a third of a lot is exactly a third). The decision is
`no_go` when any farm reached is rejected (even through zero weight), `go` when the score
reaches the threshold (100 by default), else `pending`. `docs/enterprise.md` has a worked example.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


class Decision(enum.StrEnum):
    """A shipment's readiness decision."""

    GO = "go"
    NO_GO = "no_go"
    PENDING = "pending"


@dataclass(frozen=True)
class Transformation:
    """A transformation event that made a lot: its inputs with kilograms when known."""

    event_id: str
    inputs: tuple[tuple[str, Decimal | None], ...]
    outputs: tuple[tuple[str, Decimal | None], ...] = ()


@dataclass(frozen=True)
class LotFacts:
    """What the visible graph says about one product instance upstream of a shipment."""

    id: str
    batches: tuple[tuple[str, Decimal | None], ...] = ()  # (farm id, kilograms)
    weight: Decimal | None = None  # the last weight an event measured
    children: tuple[str, ...] = ()
    made_by: tuple[Transformation, ...] = ()


@dataclass(frozen=True)
class FarmShare:
    """A farm reached upstream, its compliance status and the kilograms that come from it."""

    farm_id: str
    compliance_status: str
    weight: Fraction


@dataclass
class Readiness:
    """A shipment's readiness and the evidence for it."""

    score: int
    decision: Decision
    total_weight: Fraction
    total_items: int
    approved_weight: Fraction
    untraced_weight: Fraction
    farms: list[FarmShare] = field(default_factory=list)


Number = Decimal | Fraction


def _exact(value: Number | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _split(total: Fraction, weights: Sequence[Number | None]) -> list[Fraction]:
    """`total` shared in proportion to `weights` (equally if any is unknown or all are 0)."""
    if not weights:
        return []
    known = [Fraction(w) for w in weights if w is not None and w > 0]
    if len(known) == len(weights):
        whole = sum(known, Fraction(0))
        return [total * w / whole for w in known]
    return [total / len(weights)] * len(weights)


class _Graph:
    def __init__(self, lots: Mapping[str, LotFacts]) -> None:
        self.lots = lots
        self._weights: dict[str, Fraction | None] = {}

    def upstream(self, lot_id: str) -> list[str]:
        facts = self.lots.get(lot_id)
        if facts is None or facts.batches:
            return []
        if facts.children:
            return list(facts.children)
        return [i for t in facts.made_by for i, _ in t.inputs]

    def weight(self, lot_id: str, seen: frozenset[str] = frozenset()) -> Fraction | None:
        """The kilograms of a lot: collected, measured, its contents', or its share of a
        transformation's inputs."""
        if lot_id in self._weights:
            return self._weights[lot_id]
        facts = self.lots.get(lot_id)
        result: Fraction | None = None
        if facts is not None and lot_id not in seen:
            inner = seen | {lot_id}
            batch_weights = [_exact(w) for _, w in facts.batches]
            if batch_weights and all(w is not None for w in batch_weights):
                result = sum((w for w in batch_weights if w is not None), Fraction(0))
            elif facts.weight is not None:
                result = Fraction(facts.weight)
            elif facts.children:
                known = [w for c in facts.children if (w := self.weight(c, inner)) is not None]
                result = sum(known, Fraction(0)) if known else None
            elif facts.made_by:
                made = facts.made_by[0]
                own = _exact(dict(made.outputs).get(lot_id))
                if own is not None:
                    result = own
                else:
                    inputs = [
                        _exact(q) if q is not None else self.weight(i, inner)
                        for i, q in made.inputs
                    ]
                    if inputs and all(w is not None for w in inputs):
                        whole = sum((w for w in inputs if w is not None), Fraction(0))
                        result = whole / max(1, len(made.outputs))
        self._weights[lot_id] = result
        return result

    def shares(self, lot_id: str, amount: Fraction) -> list[tuple[str, Fraction]]:
        """Where `amount` kilograms of a (non-batch) lot come from, one step upstream."""
        facts = self.lots[lot_id]
        if facts.children:
            contents = [self.weight(c) for c in facts.children]
            return list(zip(facts.children, _split(amount, contents), strict=True))
        out: list[tuple[str, Fraction]] = []
        per_event = amount / len(facts.made_by)
        for made in facts.made_by:
            weights: list[Number | None] = [q for _, q in made.inputs]
            if not all(w is not None for w in weights):
                weights = [self.weight(i) for i, _ in made.inputs]
            ids = [i for i, _ in made.inputs]
            out.extend(zip(ids, _split(per_event, weights), strict=True))
        return out


def _topological(roots: Sequence[str], graph: _Graph) -> tuple[list[str], set[tuple[str, str]]]:
    """Lots reachable upstream from the roots, each before everything upstream of it, and the
    edges that would close a cycle (left out)."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 in progress, 2 done
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        stack: list[tuple[str, list[str]]] = [(root, graph.upstream(root))]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop()
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, graph.upstream(nxt)))
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    order.reverse()
    return order, back


def count_items(
    lot_id: str, lots: Mapping[str, LotFacts], seen: frozenset[str] = frozenset()
) -> int:
    """How many units a carried thing is: a container counts its contents, anything else 1."""
    facts = lots.get(lot_id)
    if facts is None or not facts.children or lot_id in seen:
        return 1
    return sum(count_items(c, lots, seen | {lot_id}) for c in facts.children)


def compute_readiness(
    carried: Sequence[tuple[str, Number | None]],
    lots: Mapping[str, LotFacts],
    farm_status: Mapping[str, str],
    threshold: int = 100,
) -> Readiness:
    """The readiness of a shipment carrying `carried` ((lot id, kilograms if declared))."""
    graph = _Graph(lots)
    flow: dict[str, Fraction] = defaultdict(Fraction)
    total = Fraction(0)
    for lot_id, declared in carried:
        weight = _exact(declared) if declared is not None else graph.weight(lot_id)
        if weight is not None:
            flow[lot_id] += weight
            total += weight
    order, back = _topological([lot_id for lot_id, _ in carried], graph)
    farms: dict[str, Fraction] = {}
    untraced = Fraction(0)
    for lot_id in order:
        amount = flow.get(lot_id, Fraction(0))
        facts = lots.get(lot_id)
        if facts is not None and facts.batches:
            for (farm_id, _), share in zip(
                facts.batches, _split(amount, [w for _, w in facts.batches]), strict=True
            ):
                farms[farm_id] = farms.get(farm_id, Fraction(0)) + share
            continue
        if facts is None or not (facts.children or facts.made_by):
            untraced += amount
            continue
        for source, share in graph.shares(lot_id, amount):
            if (lot_id, source) in back:
                untraced += share
            else:
                flow[source] += share
    approved = sum((w for f, w in farms.items() if farm_status.get(f) == "approved"), Fraction(0))
    score = math.floor(100 * approved / total) if total > 0 else 0
    score = max(0, min(100, score))
    if any(farm_status.get(f) == "rejected" for f in farms):
        decision = Decision.NO_GO
    elif total > 0 and score >= threshold:
        decision = Decision.GO
    else:
        decision = Decision.PENDING
    return Readiness(
        score=score,
        decision=decision,
        total_weight=total,
        total_items=sum(count_items(lot_id, lots) for lot_id, _ in carried),
        approved_weight=approved,
        untraced_weight=untraced,
        farms=[FarmShare(f, farm_status.get(f, "unknown"), w) for f, w in sorted(farms.items())],
    )
