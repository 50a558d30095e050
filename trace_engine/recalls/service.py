# Long on purpose: one job (the recall impact report), aggregated as it streams.
"""The recall impact report: from the lot under recall, where it went (lots, logistic units,
facilities by type, stores, reference documents), where it came from, and a mass balance.

It reads the downstream trace's events page by page (the trace's visibility: lineage edges made
by visible orgs, events owned by them) and aggregates as it goes, so a recall reaching
thousands of facilities needs memory for the facilities, lots and shipments, not the events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from trace_engine.fsma204.cte import (
    Cte,
    carried,
    destination,
    location,
    reference_documents,
    source,
)
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.fsma204.rows import (
    Context,
    LotFacts,
    canonical,
    describe_place,
    product_key_of,
    tlc_text,
)
from trace_engine.fsma204.scope import Progress, Resolved, Scope, ScopeReader
from trace_engine.kit.timestamps import now_utc
from trace_engine.recalls.mass_balance import LotFlow, common, compare, total

Quantities = dict[str, list[tuple[float | None, str | None]]]


def _lots(event: dict[str, Any], roles: tuple[str, ...], ctx: Context) -> Quantities:
    """lot key → quantities the event carries in `roles`, logistic units opened up."""
    out: Quantities = defaultdict(list)
    for item in carried(event):
        if item.role not in roles:
            continue
        key = canonical(item.epc)
        if key is None:
            continue
        if key.startswith("00/"):
            for child, quantity, uom in ctx.contents.get(key, []):
                out[child].append((quantity, uom))
        else:
            out[key].append((item.quantity, item.uom))
    return out


def _objects(event: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        key for i in carried(event) if i.role != "child" and (key := canonical(i.epc)) is not None
    )


def _docs(event: dict[str, Any]) -> list[dict[str, str]]:
    return [{"type": t, "number": n} for t, n in reference_documents(event)]


@dataclass
class _Place:
    key: str
    events: int = 0
    first: str | None = None
    last: str | None = None
    documents: dict[tuple[str, str], None] = field(default_factory=dict)

    def arrive(self, when: str) -> None:
        self.first = when if self.first is None or when < self.first else self.first
        self.last = when if self.last is None or when > self.last else self.last


@dataclass
class _Shipment:
    event: dict[str, Any]
    origin: str | None
    to: str | None
    lots: Quantities


class RecallService:
    """Builds the impact report of one lot for one org."""

    def __init__(self, repo: Fsma204Repository) -> None:
        self.repo = repo
        self.reader = ScopeReader(repo)

    def impact(
        self,
        product_id: str,
        org: str,
        orgs: frozenset[str],
        tolerance: float = 2.0,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """The impact report (NotFound when the caller's org sees nothing of the lot)."""
        down = self.reader.resolve(Scope(product_id=product_id, direction="downstream"), orgs)
        up = self.reader.resolve(Scope(product_id=product_id, direction="upstream"), orgs)
        assert down.root is not None
        report = _Impact(down.root, tolerance)
        ctx = Context()
        for scoped in self.reader.events(down, ctx, progress):
            report.add(scoped.event, scoped.owner, scoped.cte, ctx, down)
        report.places_seen(self.repo.places(sorted(down.members), orgs))
        self._fill_lots(ctx, sorted(down.members | up.members), orgs)
        return report.json(product_id, org, ctx, down, up)

    def _fill_lots(self, ctx: Context, keys: list[str], orgs: frozenset[str]) -> None:
        self.reader.fill_lots(ctx, keys, orgs)
        places = {facts.source for facts in ctx.lots.values() if facts.source}
        products = {p for k in keys for p in (ctx.lots[k].product, product_key_of(k)) if p}
        self.reader.fill_masterdata(ctx, places, products, orgs)


class _Impact:
    def __init__(self, root: str, tolerance: float) -> None:
        self.root = root
        self.tolerance = tolerance
        self.places: dict[str, _Place] = {}
        self.owners: set[str] = set()
        self.first: str | None = None
        self.last: str | None = None
        self.transformations: list[dict[str, Any]] = []
        self.pending: dict[tuple[frozenset[str], str | None], list[_Shipment]] = defaultdict(list)
        self.shipments: list[dict[str, Any]] = []
        self.flow: LotFlow | None = None

    def places_seen(self, rows: list[dict[str, Any]]) -> None:
        """Every event's place, counted in the graph: events there, first and last time (the
        arrival times where no receiving event says otherwise), the time span, the owners."""
        for row in rows:
            self.owners.update(row["owners"])
            self.first = min(filter(None, (self.first, row["first"])))
            self.last = max(filter(None, (self.last, row["last"])))
            place = self._place(row["facility"])
            if place is None:
                continue
            place.events = row["events"]
            if place.first is None:
                place.first, place.last = row["first"], row["last"]

    def _place(self, key: str | None) -> _Place | None:
        if key is None:
            return None
        place = self.places.get(key)
        if place is None:
            place = self.places[key] = _Place(key)
        return place

    def add(
        self,
        event: dict[str, Any],
        owner: str,
        cte: Cte | None,
        ctx: Context,
        scope: Resolved,
    ) -> None:
        self.owners.add(owner)
        here = canonical(location(event))
        place = self._place(here)
        if place is not None and cte is Cte.RECEIVING:
            place.arrive(event["eventTime"])
        self._root_flow(event, cte, here, ctx)
        if event.get("type") == "TransformationEvent":
            self._transformation(event, here, ctx)
        elif cte is Cte.SHIPPING:
            to = canonical(destination(event))
            target = self._place(to)
            if target is not None:
                target.documents.update(dict.fromkeys(reference_documents(event)))
            lots = _lots(event, ("object", "child", "parent"), ctx)
            key = (_objects(event), to)
            self.pending[key].append(_Shipment(event, here, to, lots))
        elif cte is Cte.RECEIVING:
            if place is not None:
                place.documents.update(dict.fromkeys(reference_documents(event)))
            self._receive(event, here, ctx, scope)

    def _root_flow(self, event: dict[str, Any], cte: Cte | None, here: str | None,
                   ctx: Context) -> None:  # fmt: skip
        kind = {
            Cte.SHIPPING: "shipped",
            Cte.RECEIVING: "received",
            Cte.HARVESTING: "created",
            Cte.FIRST_LAND_BASED_RECEIVING: "created",
        }.get(cte) if cte else None  # fmt: skip
        if event.get("type") == "TransformationEvent":
            for role, name in (("input", "used"), ("output", "created")):
                for quantity, uom in _lots(event, (role,), ctx).get(self.root, []):
                    self._flow(quantity, uom).add(name, here, quantity, uom)
            return
        if kind is None:
            return
        roles = ("object", "child", "parent")
        for quantity, uom in _lots(event, roles, ctx).get(self.root, []):
            self._flow(quantity, uom).add(kind, here, quantity, uom)

    def _flow(self, quantity: float | None, uom: str | None) -> LotFlow:
        if self.flow is None:
            self.flow = LotFlow(common(quantity or 0.0, uom)[1])
        return self.flow

    def _transformation(self, event: dict[str, Any], here: str | None, ctx: Context) -> None:
        inputs = _lots(event, ("input",), ctx)
        outputs = _lots(event, ("output",), ctx)
        result = compare(
            total(q for qs in inputs.values() for q in qs),
            total(q for qs in outputs.values() for q in qs),
            self.tolerance,
        )
        self.transformations.append(
            {
                "eventID": event.get("eventID"),
                "time": event["eventTime"],
                "facility": here,
                "inputs": _lot_list(inputs),
                "outputs": _lot_list(outputs),
                "input": result.left,
                "output": result.right,
                **result.json(),
            }
        )

    def _receive(self, event: dict[str, Any], here: str | None, ctx: Context,
                 scope: Resolved) -> None:  # fmt: skip
        key = (_objects(event), here)
        queue = self.pending.get(key)
        shipped = queue.pop(0) if queue else None
        received = _lots(event, ("object", "child", "parent"), ctx)
        lots = []
        for lot in sorted(set(received) | set(shipped.lots if shipped else {})):
            if not scope.in_scope(lot):
                continue
            out = total(shipped.lots.get(lot, []) if shipped else [])
            back = total(received.get(lot, []))
            result = compare(out, back, self.tolerance)
            lots.append(
                {
                    "tlc": tlc_text(lot),
                    "shipped": result.left,
                    "received": result.right,
                    **result.json(),
                }  # fmt: skip
            )
        self.shipments.append(
            {
                "shippingEventID": shipped.event.get("eventID") if shipped else None,
                "receivingEventID": event.get("eventID"),
                "from": shipped.origin if shipped else canonical(source(event)),
                "to": here,
                "shipped": shipped.event["eventTime"] if shipped else None,
                "received": event["eventTime"],
                "documents": _docs(shipped.event) if shipped else [],
                "receivingDocuments": _docs(event),
                "lots": lots,
            }
        )

    def json(
        self, asked: str, org: str, ctx: Context, down: Resolved, up: Resolved
    ) -> dict[str, Any]:
        for queue in self.pending.values():
            for shipped in queue:
                self.shipments.append(
                    {
                        "shippingEventID": shipped.event.get("eventID"),
                        "receivingEventID": None,
                        "from": shipped.origin,
                        "to": shipped.to,
                        "shipped": shipped.event["eventTime"],
                        "received": None,
                        "documents": _docs(shipped.event),
                        "receivingDocuments": [],
                        "lots": [
                            {
                                "tlc": tlc_text(lot),
                                "shipped": total(q).get(common(0, q[0][1])[1]) if q else None,
                                "received": None,
                                "unit": None,
                                "comparable": False,
                                "difference": None,
                                "percent": None,
                                "discrepancy": False,
                            }  # fmt: skip
                            for lot, q in sorted(shipped.lots.items())
                            if down.in_scope(lot)
                        ],
                        "notReceived": True,
                    }
                )
        facilities: dict[str, list[dict[str, Any]]] = defaultdict(list)
        stores = []
        for place in sorted(self.places.values(), key=lambda p: (p.first or "", p.key)):
            props = ctx.facilities.get(place.key) or {}
            kind = props.get("type") or "UNKNOWN"
            entry = {
                **_place_json(place.key, ctx),
                "type": kind,
                "firstArrival": place.first,
                "lastArrival": place.last,
                "events": place.events,
                "documents": [{"type": t, "number": n} for t, n in place.documents],
            }
            facilities[kind].append(entry)
            if kind == "STORE":
                stores.append(entry)
        lots: list[dict[str, Any]] = []
        units: list[dict[str, Any]] = []
        for key in sorted(down.members):
            facts = ctx.lots.get(key) or LotFacts()
            product = facts.product or product_key_of(key)
            name = (ctx.products.get(product) or {}).get("name") if product else None
            if key.startswith("00/"):
                units.append(
                    {
                        "id": tlc_text(key),
                        "key": key,
                        "contents": [
                            {"tlc": tlc_text(c), "quantity": q, "uom": u}
                            for c, q, u in ctx.contents.get(key, [])
                        ],
                    }  # fmt: skip
                )
            else:
                lots.append(
                    {"tlc": tlc_text(key), "key": key, "product": name, "productId": product,
                     "quantity": facts.quantity, "uom": facts.uom,
                     "tlcSource": _place_json(facts.source, ctx) if facts.source else None}
                )  # fmt: skip
        sources: list[dict[str, Any]] = []
        for key in sorted(up.members - {self.root}):
            if key.startswith("00/"):
                continue
            facts = ctx.lots.get(key) or LotFacts()
            product = facts.product or product_key_of(key)
            sources.append(
                {"tlc": tlc_text(key), "key": key,
                 "product": (ctx.products.get(product) or {}).get("name") if product else None,
                 "quantity": facts.quantity, "uom": facts.uom,
                 "tlcSource": _place_json(facts.source, ctx) if facts.source else None}
            )  # fmt: skip
        farms: dict[str, Any] = {}
        for entry in [*sources, *[lot for lot in lots if lot["key"] == self.root]]:
            where: dict[str, Any] | None = entry["tlcSource"]
            if where:
                farms[where["id"]] = where
        discrepancies = [
            {"kind": "transformation", "eventID": t["eventID"], "facility": t["facility"],
             "left": t["input"], "right": t["output"], "unit": t["unit"],
             "difference": t["difference"], "percent": t["percent"]}
            for t in self.transformations if t["discrepancy"]
        ] + [
            {"kind": "shipment", "eventID": s["shippingEventID"],
             "receivingEventID": s["receivingEventID"], "from": s["from"], "to": s["to"],
             "tlc": lot["tlc"], "left": lot["shipped"], "right": lot["received"],
             "unit": lot["unit"], "difference": lot["difference"], "percent": lot["percent"]}
            for s in self.shipments for lot in s["lots"] if lot["discrepancy"]
        ]  # fmt: skip
        totals = (self.flow or LotFlow(None)).totals()
        shared = sorted(self.owners - {org})
        root_lot = next((lot for lot in lots if lot["key"] == self.root), None)
        summary = {
            "lots": len(lots),
            "logisticUnits": len(units),
            "facilities": len(self.places),
            "stores": len(stores),
            "firstEvent": self.first,
            "lastEvent": self.last,
            "discrepancies": len(discrepancies),
            "accountedShare": totals["accountedShare"],
        }
        summary["text"] = _summary_text(root_lot, summary, totals, len(sources))
        return {
            "productId": asked,
            "lot": root_lot,
            "madeAt": now_utc(),
            "org": org,
            "tolerancePercent": self.tolerance,
            "sharing": {"used": bool(shared), "orgs": shared},
            "summary": summary,
            "downstream": {
                "lots": lots,
                "logisticUnits": units,
                "facilities": dict(facilities),
                "stores": stores,
            },
            "upstream": {"lots": sources, "sources": list(farms.values())},
            "massBalance": {
                "transformations": self.transformations,
                "shipments": self.shipments,
                "discrepancies": discrepancies,
                "totals": totals,
            },
        }


def _lot_list(lots: Quantities) -> list[dict[str, Any]]:
    return [
        {"tlc": tlc_text(k), "quantity": q, "uom": u}
        for k, qs in sorted(lots.items())
        for q, u in qs
    ]


def _place_json(key: str | None, ctx: Context) -> dict[str, Any]:
    place = describe_place("x", key, ctx)
    return {k[2:]: v for k, v in place.items()}


def _summary_text(
    lot: dict[str, Any] | None, summary: dict[str, Any], totals: dict[str, Any], sources: int
) -> str:
    what = f"{lot['product'] or 'lot'} {lot['tlc']}" if lot else "the recalled lot"
    text = (
        f"Recall of {what}: {summary['lots']} lots and {summary['logisticUnits']} logistic "
        f"units reached {summary['facilities']} facilities, {summary['stores']} of them stores, "
        f"between {summary['firstEvent']} and {summary['lastEvent']}; {sources} source lots "
        f"upstream."
    )
    if totals["recalled"] is not None:
        text += (
            f" {totals['accounted']:g} of {totals['recalled']:g} {totals['unit']} "
            f"({totals['accountedShare'] * 100:.1f}%) is accounted for; "
            f"{totals['unaccounted']:g} {totals['unit']} is not."
        )
    if summary["discrepancies"]:
        text += f" {summary['discrepancies']} mass-balance discrepancies."
    return text
