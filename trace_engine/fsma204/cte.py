"""FSMA 204 Critical Tracking Events: which CTE an EPCIS event is, and what it carries.

Pure: reads one EPCIS 2.0 JSON-LD event (as stored in `Event.raw`) and answers, following the
GS1 US guideline "EPCIS Recommendations for FSMA 204 CTEs" (R2.0):

| CTE | EPCIS form |
|---|---|
| harvesting | ObjectEvent ADD, bizStep `commissioning` / `creating_class_instance` |
| first land-based receiving | the same (or `receiving`) with catch-area ILMD (`catchArea`, …) |
| cooling | bizStep `other` or a vendor step naming cooling, with a temperature sensor report |
| initial packing | TransformationEvent whose inputs include a harvested lot |
| transformation | any other TransformationEvent |
| shipping | bizStep `shipping` (ObjectEvent, AggregationEvent or TransactionEvent) |
| receiving | bizStep `receiving` |

Every other event (packing onto a pallet, unpacking, stocking, …) is not a CTE (None).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any


class Cte(StrEnum):
    """The Critical Tracking Events of 21 CFR 1.1325-1.1350, in the rule's order."""

    HARVESTING = "harvesting"
    COOLING = "cooling"
    INITIAL_PACKING = "initial_packing"
    FIRST_LAND_BASED_RECEIVING = "first_land_based_receiving"
    SHIPPING = "shipping"
    RECEIVING = "receiving"
    TRANSFORMATION = "transformation"


CTE_TITLES = {
    Cte.HARVESTING: "Harvesting",
    Cte.COOLING: "Cooling",
    Cte.INITIAL_PACKING: "Initial Packing",
    Cte.FIRST_LAND_BASED_RECEIVING: "First Land-Based Receiving",
    Cte.SHIPPING: "Shipping",
    Cte.RECEIVING: "Receiving",
    Cte.TRANSFORMATION: "Transformation",
}

# The CTEs that assign a traceability lot code (21 CFR 1.1320).
LOT_CREATING = frozenset(
    {Cte.HARVESTING, Cte.INITIAL_PACKING, Cte.FIRST_LAND_BASED_RECEIVING, Cte.TRANSFORMATION}
)

_BIZSTEP_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "https://ref.gs1.org/cbv/BizStep-",
    "cbv:BizStep-",
)
_SDT_PREFIXES = ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-", "cbv:SDT-")
_BTT_PREFIXES = ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-", "cbv:BTT-")
_BT_URN = re.compile(r"^urn:epcglobal:cbv:bt:[^:]+:(.+)$")
_LOT_CREATION_STEPS = frozenset({"commissioning", "creating_class_instance"})
# The bizSteps (as stored: CBV URNs) an event other than a transformation needs to be a CTE;
# vendor steps naming cooling count too. A pre-filter for the graph: `classify` decides.
CTE_BIZSTEPS = tuple(
    "urn:epcglobal:cbv:bizstep:" + step
    for step in ("commissioning", "creating_class_instance", "shipping", "receiving", "other")
)
_CATCH_AREA_NAMES = frozenset(
    {"catchArea", "fishingGearTypeCode", "productionMethodForFishAndSeafoodCode", "vesselName"}
)
_TEMPERATURE = re.compile(r"(^|[:/#-])temperature$", re.IGNORECASE)


def bare(value: Any, prefixes: tuple[str, ...]) -> str | None:
    """A CBV value in any of its forms (URN, web URI, CURIE, bare word) → the bare word."""
    if not isinstance(value, str):
        return None
    for prefix in prefixes:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def biz_step(event: dict[str, Any]) -> str | None:
    """The event's bizStep as a bare CBV word (a vendor URI is returned as it is)."""
    return bare(event.get("bizStep"), _BIZSTEP_PREFIXES)


def local_name(key: str) -> str:
    """`cbvmda:catchArea`, `gs1:catchArea`, `urn:epcglobal:cbv:mda:catchArea`, `…#x` → the last
    segment."""
    return re.split(r"[:#/]", key)[-1]


def ilmd_value(event: dict[str, Any], name: str) -> Any:
    """The ILMD value whose local name is `name`, whatever its prefix, or None."""
    ilmd = event.get("ilmd")
    if not isinstance(ilmd, dict):
        return None
    for key, value in ilmd.items():
        if local_name(key) == name:
            return value
    return None


def has_catch_area(event: dict[str, Any]) -> bool:
    """Whether the event's ILMD describes a catch (seafood landed from a vessel)."""
    ilmd = event.get("ilmd")
    return isinstance(ilmd, dict) and any(local_name(k) in _CATCH_AREA_NAMES for k in ilmd)


def has_temperature(event: dict[str, Any]) -> bool:
    """Whether the event carries a temperature reading in its sensorElementList."""
    for element in event.get("sensorElementList") or []:
        if not isinstance(element, dict):
            continue
        for report in element.get("sensorReport") or []:
            kind = report.get("type") if isinstance(report, dict) else None
            if isinstance(kind, str) and _TEMPERATURE.search(kind):
                return True
    return False


def _is_cooling_step(step: str | None) -> bool:
    return step == "other" or (step is not None and "cool" in step.lower())


def classify(
    event: dict[str, Any], harvested: Callable[[str], bool] = lambda _epc: False
) -> Cte | None:
    """The CTE `event` is, or None. `harvested(epc)` says whether an input lot was harvested
    (made by a harvesting CTE), which makes a transformation an initial packing."""
    kind = event.get("type")
    step = biz_step(event)
    action = event.get("action")
    if kind == "TransformationEvent":
        inputs = [q.get("epcClass") for q in event.get("inputQuantityList") or []]
        inputs += list(event.get("inputEPCList") or [])
        if any(isinstance(epc, str) and harvested(epc) for epc in inputs):
            return Cte.INITIAL_PACKING
        return Cte.TRANSFORMATION
    if kind == "ObjectEvent" and action == "ADD" and step in _LOT_CREATION_STEPS:
        return Cte.FIRST_LAND_BASED_RECEIVING if has_catch_area(event) else Cte.HARVESTING
    if step == "shipping":
        return Cte.SHIPPING
    if step == "receiving":
        if kind == "ObjectEvent" and action == "ADD" and has_catch_area(event):
            return Cte.FIRST_LAND_BASED_RECEIVING
        return Cte.RECEIVING
    if _is_cooling_step(step) and has_temperature(event):
        return Cte.COOLING
    return None


@dataclass(frozen=True, slots=True)
class Carried:
    """One thing an event is about: an EPC or EPC class, its role, quantity and unit."""

    epc: str
    role: str  # object, input, output, parent, child
    quantity: float | None = None
    uom: str | None = None


def _quantities(event: dict[str, Any], key: str, role: str) -> list[Carried]:
    out = []
    for entry in event.get(key) or []:
        if isinstance(entry, dict) and isinstance(entry.get("epcClass"), str):
            amount = entry.get("quantity")
            out.append(
                Carried(
                    entry["epcClass"],
                    role,
                    float(amount) if isinstance(amount, int | float) else None,
                    entry.get("uom") if isinstance(entry.get("uom"), str) else None,
                )
            )
    return out


def _epcs(event: dict[str, Any], key: str, role: str) -> list[Carried]:
    return [Carried(e, role) for e in event.get(key) or [] if isinstance(e, str)]


def carried(event: dict[str, Any]) -> list[Carried]:
    """What the event is about, in document order: lists first, then quantity lists."""
    out: list[Carried] = []
    if isinstance(event.get("parentID"), str):
        out.append(Carried(event["parentID"], "parent"))
    out += _epcs(event, "epcList", "object")
    out += _epcs(event, "childEPCs", "child")
    out += _epcs(event, "inputEPCList", "input")
    out += _epcs(event, "outputEPCList", "output")
    out += _quantities(event, "quantityList", "object")
    out += _quantities(event, "childQuantityList", "child")
    out += _quantities(event, "inputQuantityList", "input")
    out += _quantities(event, "outputQuantityList", "output")
    return out


def reference_documents(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(type, number) of each business transaction: `po`, `desadv`, `bol`, …; the number is
    the document number of a `urn:epcglobal:cbv:bt:<GLN>:<number>` (else the value as given)."""
    out = []
    for entry in event.get("bizTransactionList") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("bizTransaction"), str):
            continue
        value = entry["bizTransaction"]
        match = _BT_URN.match(value)
        out.append((bare(entry.get("type"), _BTT_PREFIXES) or "", match[1] if match else value))
    return out


def _place(event: dict[str, Any], key: str) -> str | None:
    value = event.get(key)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def location(event: dict[str, Any]) -> str | None:
    """Where the event happened: its bizLocation, else its readPoint."""
    return _place(event, "bizLocation") or _place(event, "readPoint")


def _typed(event: dict[str, Any], key: str, value_key: str) -> list[tuple[str, str]]:
    out = []
    for entry in event.get(key) or []:
        if isinstance(entry, dict) and isinstance(entry.get(value_key), str):
            out.append((bare(entry.get("type"), _SDT_PREFIXES) or "", entry[value_key]))
    return out


def _pick(entries: Iterable[tuple[str, str]]) -> str | None:
    """The location among source/destination entries (a `location`, else `owning_party`, …)."""
    entries = list(entries)
    for kind, value in entries:
        if kind == "location":
            return value
    return entries[0][1] if entries else None


def source(event: dict[str, Any]) -> str | None:
    """The immediate previous source (sourceList: a `location` first)."""
    return _pick(_typed(event, "sourceList", "source"))


def destination(event: dict[str, Any]) -> str | None:
    """The immediate subsequent recipient (destinationList: a `location` first)."""
    return _pick(_typed(event, "destinationList", "destination"))


_OFFSET = re.compile(r"^([+-])(\d\d):(\d\d)$")


def local_time(event_time: str, offset: str | None) -> datetime:
    """The event's time in its own time zone (`eventTimeZoneOffset`; UTC when absent)."""
    when = datetime.fromisoformat(event_time.replace("Z", "+00:00"))
    match = _OFFSET.match(offset or "")
    if match is None:
        return when.astimezone(UTC)
    sign = -1 if match[1] == "-" else 1
    return when.astimezone(timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3]))))


def local_date(event: dict[str, Any]) -> str:
    """The ISO date of the event in its own time zone."""
    return local_time(event["eventTime"], event.get("eventTimeZoneOffset")).date().isoformat()
