"""What a report covers, and its events read page by page in date order with their context.

A scope is either one product instance's trace (`productId`: upstream, downstream or both,
with exactly the trace's visibility: lineage edges made by visible orgs, events owned by
them) or every lot of a product class (`product`) with the logistic units they travelled in,
optionally within a time window. Events are sorted by (local date, time, eventID) on their
keys alone, then read `PAGE` at a time; master data and lot facts are looked up once per page
for what is new, so memory grows with the lots and places involved, not with the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from trace_engine.errors import InvalidIdentifier, InvalidInput, NotFound
from trace_engine.fsma204.cte import (
    Cte,
    carried,
    classify,
    destination,
    local_time,
    location,
    source,
)
from trace_engine.fsma204.repository import PAGE, Fsma204Repository
from trace_engine.fsma204.rows import Context, LotFacts, canonical, product_key_of
from trace_engine.identifiers import parse_identifier
from trace_engine.kit.timestamps import utc_millis
from trace_engine.trace.lineage import trace_instances, visible_carriers
from trace_engine.trace.schemas import Direction, TraceParams
from trace_engine.trace.service import instance_key

Progress = Callable[[int, int], None]  # (events done, events in all)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the caller asked for: one of `product_id` / `product`, and a time window."""

    product_id: str | None = None
    product: str | None = None
    since: str | None = None  # UTC, as stored (YYYY-MM-DDTHH:MM:SS.mmmZ)
    until: str | None = None
    direction: Direction = "both"

    def describe(self) -> str:
        """One line saying what was asked."""
        what = (
            f"the {self.direction} trace of product instance {self.product_id}"
            if self.product_id
            else f"every lot of product {self.product}"
        )
        if self.since or self.until:
            what += f", events from {self.since or 'the start'} to {self.until or 'now'}"
        return what


@dataclass
class Resolved:
    """A scope made concrete: the instances it covers and the visible events' keys."""

    scope: Scope
    orgs: frozenset[str]
    root: str | None
    members: set[str]
    row_lots: set[str]  # lots whose rows belong in the report
    keys: list[dict[str, Any]]  # of the possible CTE events: eventID, time, offset, owner

    def in_scope(self, key: str) -> bool:
        """Whether rows of the lot `key` belong in the report."""
        return key in self.row_lots


@dataclass(frozen=True, slots=True)
class ScopedEvent:
    """One visible event of the scope, parsed, with its CTE (None when it is not one)."""

    event: dict[str, Any]
    owner: str
    cte: Cte | None


def utc(value: datetime | None, field: str) -> str | None:
    """A requested date-time in UTC as stored (a time without an offset is UTC); InvalidInput
    naming the field when it falls outside the years 0001-9999 in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        text = utc_millis(value)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(field, f"{value.isoformat()} is out of range: {exc}") from None
    return text


def check_scope(scope: Scope) -> None:
    """Exactly one of productId / product, well-formed, and a window that is not reversed."""
    if (scope.product_id is None) == (scope.product is None):
        raise InvalidInput(
            "productId", "give either productId (one lot's trace) or product (a product class)"
        )
    if scope.product is not None:
        ident = parse_identifier(scope.product)
        if ident.kind != "product":
            raise InvalidIdentifier(
                scope.product,
                f"product names a product class (GTIN, EPC class pattern, Food Trust product "
                f"class), not a {ident.kind}",
            )
    if scope.since and scope.until and scope.since > scope.until:
        raise InvalidInput("since", f"{scope.since} is after until {scope.until}")


class ScopeReader:
    """Resolves scopes and streams their events with a filled `Context`."""

    def __init__(self, repo: Fsma204Repository) -> None:
        self.repo = repo

    def resolve(self, scope: Scope, orgs: frozenset[str]) -> Resolved:
        """The scope's instances and visible events; NotFound if the caller sees none."""
        check_scope(scope)
        root: str | None = None
        if scope.product_id is not None:
            key = instance_key(scope.product_id)
            lineage = self.repo.lineage(scope.product_id) or (
                self.repo.lineage(key) if key != scope.product_id else None
            )
            if lineage is None:
                raise NotFound("product", scope.product_id)
            root = lineage["root"]
            members, _graph = trace_instances(
                lineage["root"], lineage["edges"], orgs, TraceParams(direction=scope.direction)
            )
            row_lots = set(members)
            lineage_instances = {lineage["root"]} | {
                key for edge in lineage["edges"] for key in (edge["from"], edge["to"])
            }
            asked = scope.product_id
        else:
            assert scope.product is not None
            product = self.repo.product_scope(scope.product) or self.repo.product_scope(
                parse_identifier(scope.product).key
            )
            if product is None:
                raise NotFound("product", scope.product)
            row_lots = set(product["lots"])
            members = visible_carriers(row_lots, product["edges"], orgs)
            lineage_instances = set(members)
            asked = scope.product
        ordered = sorted(members)
        keys = self.repo.event_keys(ordered, orgs, scope.since, scope.until)
        if not keys and not self.repo.event_keys(
            sorted(lineage_instances | members), orgs, None, None, cte_only=False
        ):
            # it exists, but no event the caller may see is on its lineage: as the trace, 404
            raise NotFound("product", asked)
        for k in keys:
            k["localDate"] = local_time(k["eventTime"], k["offset"]).date().isoformat()
        keys.sort(key=lambda k: (k["localDate"], k["eventTime"], k["eventID"], k["owner"]))
        return Resolved(scope, orgs, root, members, row_lots, keys)

    def events(
        self, resolved: Resolved, ctx: Context, progress: Progress | None = None
    ) -> Iterator[ScopedEvent]:
        """The scope's events in report order, `ctx` filled for each page before it is yielded."""
        total = len(resolved.keys)
        done = 0
        for start in range(0, total, PAGE):
            page = resolved.keys[start : start + PAGE]
            rows = self.repo.events([(k["eventID"], k["owner"]) for k in page], resolved.orgs)
            by_id = {(r["eventID"], r["owner"]): r for r in rows}
            parsed = []
            for k in page:
                row = by_id.get((k["eventID"], k["owner"]))
                if row is not None:
                    parsed.append((orjson.loads(row["raw"]), row["owner"]))
            self._fill(ctx, [e for e, _ in parsed], resolved.orgs)
            for event, owner in parsed:
                yield ScopedEvent(event, owner, classify(event, ctx.harvested))
            done += len(page)
            if progress is not None:
                progress(done, total)

    def _fill(self, ctx: Context, events: list[dict[str, Any]], orgs: frozenset[str]) -> None:
        units: set[str] = set()
        lots: set[str] = set()
        for event in events:
            for item in carried(event):
                key = canonical(item.epc)
                if key is None:
                    continue
                (units if key.startswith("00/") else lots).add(key)
        new_units = sorted(units - ctx.contents.keys())
        for unit in new_units:
            ctx.contents[unit] = []
        seen_children: dict[str, set[str]] = {}
        for row in self.repo.contents(new_units, orgs):
            children = seen_children.setdefault(row["unit"], set())
            if row["child"] not in children:
                children.add(row["child"])
                ctx.contents[row["unit"]].append((row["child"], row["quantity"], row["uom"]))
        for unit in new_units:
            lots.update(child for child, _q, _u in ctx.contents[unit])
        lots |= set(new_units)
        new_lots = self.fill_lots(ctx, lots, orgs)
        places = {s for key in new_lots if (s := ctx.lots[key].source)}
        products = {
            p for key in new_lots for p in (ctx.lots[key].product, product_key_of(key)) if p
        }
        for event in events:
            for raw in (location(event), source(event), destination(event)):
                key = canonical(raw)
                if key is not None:
                    places.add(key)
        self.fill_masterdata(ctx, places, products, orgs)

    def fill_lots(self, ctx: Context, keys: Iterable[str], orgs: frozenset[str]) -> list[str]:
        """Read the facts of the lots of `keys` that `ctx` does not know yet (a lot the graph
        says nothing of gets empty facts); return their keys."""
        new_lots = sorted(set(keys) - ctx.lots.keys())
        for row in self.repo.lots(new_lots, orgs):
            ctx.lots[row["key"]] = lot_facts(row, ctx.creations)
        for key in new_lots:
            ctx.lots.setdefault(key, LotFacts())
        return new_lots

    def fill_masterdata(
        self, ctx: Context, places: set[str], products: set[str], orgs: frozenset[str]
    ) -> None:
        """Read the master data of the places and products that `ctx` does not know yet (one
        the graph says nothing of gets an empty entry, so it is not asked for again)."""
        new_places = sorted(places - ctx.facilities.keys())
        new_products = sorted(products - ctx.products.keys())
        if not new_places and not new_products:
            return
        facilities, product_rows = self.repo.masterdata(new_places, new_products, orgs)
        for key in new_places:
            ctx.facilities[key] = {}
        for key in new_products:
            ctx.products[key] = {}
        for props in facilities:
            ctx.facilities[props["id"]] = props
        for props in product_rows:
            ctx.products[props["id"]] = props


def lot_facts(row: dict[str, Any], creations: dict[str, Any] | None = None) -> LotFacts:
    """A row of cypher/fsma204_lots.cypher → what the reports need to know about the lot;
    `creations` caches each creating event's facts (one transformation makes many lots)."""
    creation = None
    if row.get("created"):
        cache = creations if creations is not None else {}
        creation = cache.get(row["createdBy"])
        if creation is None:
            creation = cache[row["createdBy"]] = _creation(orjson.loads(row["created"]))
    source_key, harvested, quantities = creation or (None, False, {})
    quantity, uom = quantities.get(row["key"], (None, None))
    return LotFacts(
        product=row.get("product"),
        source=source_key,
        harvested=harvested,
        harvest_start=row.get("harvestStart"),
        harvest_end=row.get("harvestEnd"),
        quantity=quantity,
        uom=uom,
    )


def _creation(
    created: dict[str, Any],
) -> tuple[str | None, bool, dict[str, tuple[float | None, str | None]]]:
    quantities: dict[str, tuple[float | None, str | None]] = {}
    for item in carried(created):
        key = canonical(item.epc) if item.role in ("object", "output") else None
        if key is not None and key not in quantities:
            quantities[key] = (item.quantity, item.uom)
    return canonical(location(created)), classify(created) is Cte.HARVESTING, quantities
