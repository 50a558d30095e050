# Long on purpose: one job (event + graph facts → FSMA 204 rows), a builder per event type.
"""The rows of the FSMA 204 sortable spreadsheet (pure): one event + what the graph knows → rows.

One row per traceability lot code an event carries (FDA's template has one TLC per row, so
the sheet sorts by TLC); a transformation or initial packing gives one row per (new lot, input
lot) pair. A KDE the data does not have is an empty cell, never invented. `Context` holds the
master data and lot facts the rows need, looked up by canonical key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trace_engine.errors import InvalidIdentifier
from trace_engine.fsma204.cte import (
    LOT_CREATING,
    Carried,
    Cte,
    carried,
    classify,
    destination,
    ilmd_value,
    local_date,
    local_name,
    local_time,
    location,
    reference_documents,
    source,
)
from trace_engine.identifiers import Identifier, parse_identifier


@dataclass(frozen=True, slots=True)
class Column:
    """A spreadsheet column: its key in a row, and its header (a sheet may rename it)."""

    key: str
    header: str


_PLACE = (
    ("name", "Name"),
    ("phone", "Phone"),
    ("street", "Street"),
    ("city", "City"),
    ("state", "State"),
    ("postalCode", "Postal Code"),
    ("country", "Country"),
    ("id", "Identifier"),
)


def _place_columns(prefix: str, title: str) -> list[Column]:
    return [Column(f"{prefix}_{k}", f"{title} {h}") for k, h in _PLACE]


COLUMNS: list[Column] = [
    Column("tlc", "Traceability Lot Code"),
    Column("product", "Product Description"),
    Column("brand", "Brand"),
    Column("commodity", "Commodity"),
    Column("variety", "Variety"),
    Column("packSize", "Packaging Size"),
    Column("packStyle", "Packaging Style"),
    Column("quantity", "Quantity"),
    Column("uom", "Unit of Measure"),
    *_place_columns("loc", "Location"),
    *_place_columns("other", "Other Party"),
    Column("date", "Date"),
    Column("time", "Local Time"),
    *_place_columns("src", "TLC Source"),
    Column("inTlc", "Input Traceability Lot Code"),
    Column("inProduct", "Input Product Description"),
    Column("inQuantity", "Input Quantity"),
    Column("inUom", "Input Unit of Measure"),
    Column("harvestDate", "Harvest Date"),
    Column("catchArea", "Catch Area"),
    Column("ref1Type", "Reference Document Type 1"),
    Column("ref1Number", "Reference Document Number 1"),
    Column("ref2Type", "Reference Document Type 2"),
    Column("ref2Number", "Reference Document Number 2"),
    Column("eventID", "Event ID"),
]
COLUMN_KEYS = [c.key for c in COLUMNS]

# How each sheet names the location, the other party and the date (FDA's template wording).
SHEET_NAMES: dict[Cte, tuple[str, str, str]] = {
    Cte.HARVESTING: ("Farm", "Immediate Subsequent Recipient", "Harvest Date"),
    Cte.COOLING: ("Cooling Location", "Immediate Subsequent Recipient", "Cooling Date"),
    Cte.INITIAL_PACKING: ("Packing Location", "Immediate Previous Source", "Packing Date"),
    Cte.FIRST_LAND_BASED_RECEIVING: (
        "Receiving Location",
        "Immediate Previous Source",
        "Landing Date",
    ),
    Cte.SHIPPING: ("Ship-From Location", "Immediate Subsequent Recipient", "Ship Date"),
    Cte.RECEIVING: ("Receiving Location", "Immediate Previous Source", "Receive Date"),
    Cte.TRANSFORMATION: (
        "Transformation Location",
        "Immediate Previous Source",
        "Transformation Date",
    ),
}


def sheet_headers(cte: Cte) -> list[str]:
    """The headers of the sheet of `cte`."""
    here, other, date = SHEET_NAMES[cte]
    out = []
    for column in COLUMNS:
        header = column.header
        if column.key.startswith("loc_"):
            header = header.replace("Location", here, 1)
        elif column.key.startswith("other_"):
            header = header.replace("Other Party", other, 1)
        elif column.key == "date":
            header = date
        out.append(header)
    return out


# The KDEs each CTE must carry (21 CFR 1.1325-1.1350), as spreadsheet columns: a KDE is
# present when every column of it is filled in every row of the event.
KDE_COLUMNS: dict[str, tuple[str, ...]] = {
    "traceability lot code": ("tlc",),
    "product description": ("product",),
    "quantity and unit of measure": ("quantity", "uom"),
    "location": ("loc_id", "loc_name"),
    "immediate subsequent recipient": ("other_id",),
    "immediate previous source": ("other_id",),
    "date": ("date",),
    "traceability lot code source": ("src_id",),
    "input lots": ("inTlc", "inQuantity", "inUom"),
    "harvest date": ("harvestDate",),
    "catch area": ("catchArea",),
    "reference document": ("ref1Type", "ref1Number"),
}
_COMMON = ("traceability lot code", "product description", "quantity and unit of measure",
           "location", "date", "reference document")  # fmt: skip
REQUIRED_KDES: dict[Cte, tuple[str, ...]] = {
    Cte.HARVESTING: (*_COMMON, "immediate subsequent recipient"),
    Cte.COOLING: (*_COMMON, "traceability lot code source"),
    Cte.INITIAL_PACKING: (*_COMMON, "input lots", "harvest date", "traceability lot code source"),
    Cte.FIRST_LAND_BASED_RECEIVING: (
        *_COMMON,
        "harvest date",
        "catch area",
        "traceability lot code source",
    ),  # fmt: skip
    Cte.SHIPPING: (*_COMMON, "immediate subsequent recipient", "traceability lot code source"),
    Cte.RECEIVING: (*_COMMON, "immediate previous source", "traceability lot code source"),
    Cte.TRANSFORMATION: (*_COMMON, "input lots", "traceability lot code source"),
}


@dataclass(frozen=True, slots=True)
class LotFacts:
    """What the graph knows about a lot: its product and where its lot code was assigned."""

    product: str | None = None  # canonical product key
    source: str | None = None  # canonical key of the TLC source location
    harvested: bool = False  # made by a harvesting CTE
    harvest_start: str | None = None
    harvest_end: str | None = None
    quantity: float | None = None  # as created
    uom: str | None = None


@dataclass
class Context:
    """Master data and lot facts by canonical key (filled by the service, page by page)."""

    facilities: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    lots: dict[str, LotFacts] = field(default_factory=dict)
    # logistic unit → what was packed in it: (lot key, quantity, uom)
    contents: dict[str, list[tuple[str, float | None, str | None]]] = field(default_factory=dict)
    # eventID of a lot-creating event → what it says (filled by scope.lot_facts)
    creations: dict[str, Any] = field(default_factory=dict)

    def harvested(self, epc: str) -> bool:
        """Whether the lot `epc` (any form) was made by a harvesting CTE."""
        key = canonical(epc)
        facts = self.lots.get(key) if key else None
        return facts is not None and facts.harvested


def identifier(raw: str) -> Identifier | None:
    """The parsed identifier, or None for one the engine cannot read."""
    try:
        return parse_identifier(raw)
    except InvalidIdentifier:
        return None


def canonical(raw: str | None) -> str | None:
    """The canonical key of `raw`, or None."""
    ident = identifier(raw) if raw else None
    return ident.key if ident else None


def tlc_text(key: str) -> str:
    """A canonical lot key → the traceability lot code as a GS1 element string."""
    parts = key.split("/")
    if len(parts) == 4 and parts[0] == "01" and parts[2] == "10":
        return f"(01){parts[1]}(10){parts[3]}"
    if len(parts) == 4 and parts[0] == "01" and parts[2] == "21":
        return f"(01){parts[1]}(21){parts[3]}"
    if len(parts) == 2 and parts[0] == "00":
        return f"(00){parts[1]}"
    return key


def is_lot(key: str) -> bool:
    """Whether a canonical key names a lot or serial (not a logistic unit or a class)."""
    parts = key.split("/")
    return not (parts[0] == "00" or (parts[0] == "01" and len(parts) == 2))


def product_key_of(key: str) -> str | None:
    """The canonical product class of a GS1 lot or serial key."""
    parts = key.split("/")
    return f"01/{parts[1]}" if parts[0] == "01" else None


_BRAND = ("brandName", "brand")
_COMMODITY = ("commodity", "regulatedProductName", "speciesForFisheryStatisticsPurposesName")
_VARIETY = ("variety", "varietyName")
_PACK_SIZE = ("netContentDescription", "packagingSize", "netContent")
_PACK_STYLE = ("packagingTypeCode", "packagingStyle", "packagingTypeDescription")


def _attribute(props: dict[str, Any], names: tuple[str, ...]) -> Any:
    for key, value in props.items():
        if local_name(key) in names and value not in (None, ""):
            return value if not isinstance(value, list) else ", ".join(map(str, value))
    return None


def describe_product(props: dict[str, Any] | None) -> dict[str, Any]:
    """Product description columns from a Product node's properties."""
    props = props or {}
    return {
        "product": props.get("name"),
        "brand": _attribute(props, _BRAND),
        "commodity": _attribute(props, _COMMODITY),
        "variety": _attribute(props, _VARIETY),
        "packSize": _attribute(props, _PACK_SIZE),
        "packStyle": _attribute(props, _PACK_STYLE),
    }


_PHONE = ("phone", "telephone", "telephoneNumber", "phoneNumber", "contactPhone")


def describe_place(prefix: str, key: str | None, ctx: Context) -> dict[str, Any]:
    """The columns of a location: master data when known, its identifier always."""
    if key is None:
        return {}
    props = ctx.facilities.get(key) or {}
    out = {f"{prefix}_id": props.get("displayId") or key}
    for name in ("name", "street", "city", "state", "postalCode", "country"):
        out[f"{prefix}_{name}"] = props.get(name)
    out[f"{prefix}_phone"] = props.get("phone") or _attribute(props, _PHONE)
    return out


@dataclass(frozen=True, slots=True)
class _Lot:
    key: str
    quantity: float | None
    uom: str | None


def _lots_of(items: list[Carried], ctx: Context) -> list[_Lot]:
    """The lots among `items`, logistic units replaced by what was packed in them."""
    out: list[_Lot] = []
    for item in items:
        key = canonical(item.epc)
        if key is None:
            continue
        if key.startswith("00/"):
            out += [_Lot(k, q, u) for k, q, u in ctx.contents.get(key, [])]
        else:
            out.append(_Lot(key, item.quantity, item.uom))
    return out


def _number(value: float | None) -> float | int | None:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def build_rows(
    event: dict[str, Any],
    cte: Cte,
    ctx: Context,
    in_scope: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """The spreadsheet rows of one CTE event: lots outside the scope are left out (but every
    input of a transformation is listed), and an event with no lot in scope still gets one row,
    so a missing TLC shows as an empty cell."""
    here = canonical(location(event))
    when = local_time(event["eventTime"], event.get("eventTimeZoneOffset"))
    base: dict[str, Any] = {
        "cte": cte.value,
        "eventID": event.get("eventID"),
        "date": local_date(event),
        "time": when.isoformat(),
        **describe_place("loc", here, ctx),
    }
    if cte in (Cte.RECEIVING, Cte.FIRST_LAND_BASED_RECEIVING):
        base.update(describe_place("other", canonical(source(event)), ctx))
    elif cte in (Cte.SHIPPING, Cte.HARVESTING, Cte.COOLING):
        base.update(describe_place("other", canonical(destination(event)), ctx))
    for i, (kind, number) in enumerate(reference_documents(event)[:2], start=1):
        base[f"ref{i}Type"] = kind
        base[f"ref{i}Number"] = number
    if cte in (Cte.HARVESTING, Cte.FIRST_LAND_BASED_RECEIVING):
        base["harvestDate"] = _harvest_range(
            ilmd_value(event, "harvestStartDate"), ilmd_value(event, "harvestEndDate")
        ) or (base["date"] if cte is Cte.HARVESTING else None)
    if cte is Cte.FIRST_LAND_BASED_RECEIVING:
        area = ilmd_value(event, "catchArea")
        base["catchArea"] = ", ".join(map(str, area)) if isinstance(area, list) else area

    items = carried(event)
    if cte in (Cte.TRANSFORMATION, Cte.INITIAL_PACKING):
        outputs = _lots_of([i for i in items if i.role == "output"], ctx)
        inputs = _lots_of([i for i in items if i.role == "input"], ctx)
        if not any(in_scope(x.key) for x in outputs + inputs):
            return []
        rows = []
        no_lot: list[_Lot | None] = [None]
        for out in [*outputs] or no_lot:
            for inp in [*inputs] or no_lot:
                row = dict(base)
                if out is not None:
                    row.update(_lot_columns(out, ctx, cte, here))
                if inp is not None:
                    row.update(_input_columns(inp, ctx))
                    if cte is Cte.INITIAL_PACKING:
                        facts = ctx.lots.get(inp.key)
                        if facts is not None:
                            row["harvestDate"] = _harvest_range(
                                facts.harvest_start, facts.harvest_end
                            )
                rows.append(row)
        return rows
    lots = [x for x in _lots_of([i for i in items if i.role != "parent"], ctx) if in_scope(x.key)]
    if not lots and any(i.role == "parent" for i in items):
        parent = [i for i in items if i.role == "parent"]
        lots = [x for x in _lots_of(parent, ctx) if in_scope(x.key)]
    rows = []
    seen: set[str] = set()
    for lot in lots:
        if lot.key in seen or not is_lot(lot.key):
            continue
        seen.add(lot.key)
        rows.append({**base, **_lot_columns(lot, ctx, cte, here)})
    return rows or [dict(base)]


def _harvest_range(start: Any, end: Any) -> str | None:
    start = start if isinstance(start, str) else None
    end = end if isinstance(end, str) else None
    if start and end and start != end:
        return f"{start}/{end}"
    return start or end


def _lot_columns(lot: _Lot, ctx: Context, cte: Cte, here: str | None) -> dict[str, Any]:
    facts = ctx.lots.get(lot.key) or LotFacts()
    product = facts.product or product_key_of(lot.key)
    out: dict[str, Any] = {
        "tlc": tlc_text(lot.key),
        "quantity": _number(lot.quantity),
        "uom": lot.uom,
        **describe_product(ctx.products.get(product) if product else None),
    }
    # a lot-creating CTE assigns the lot code here; otherwise the lot's creation says where
    tlc_source = here if cte in LOT_CREATING else facts.source
    out.update(describe_place("src", tlc_source, ctx))
    return out


def _input_columns(lot: _Lot, ctx: Context) -> dict[str, Any]:
    facts = ctx.lots.get(lot.key) or LotFacts()
    product = facts.product or product_key_of(lot.key)
    props = ctx.products.get(product) if product else None
    return {
        "inTlc": tlc_text(lot.key),
        "inProduct": (props or {}).get("name"),
        "inQuantity": _number(lot.quantity),
        "inUom": lot.uom,
    }


def missing_kdes(cte: Cte, rows: list[dict[str, Any]]) -> list[str]:
    """The required KDEs of `cte` that some row of the event lacks."""
    missing = []
    for kde in REQUIRED_KDES[cte]:
        columns = KDE_COLUMNS[kde]
        if any(row.get(c) in (None, "") for row in rows for c in columns):
            missing.append(kde)
    return missing


def classify_event(event: dict[str, Any], ctx: Context) -> Cte | None:
    """The CTE of `event`, knowing from `ctx` which input lots were harvested."""
    return classify(event, ctx.harvested)
