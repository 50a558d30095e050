"""One normalised event model for every EPCIS input form (2.0 JSON-LD, 2.0 XML, 1.2 XML).

The parsers turn a document into `ParsedDocument`; ingest turns `Event`s into graph rows.
`Event.raw` is the event in EPCIS 2.0 JSON-LD form (XML is converted to it), as received
apart from the eventID added when the event had none, so it can be returned faithfully.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trace_engine.identifiers import Identifier

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransformationEvent",
    "TransactionEvent",
    "AssociationEvent",
)


@dataclass(slots=True)
class Quantity:
    """A quantityList element: a product class or lot with an optional quantity and unit."""

    epc_class: Identifier
    quantity: float | None = None
    uom: str | None = None


@dataclass(slots=True)
class SourceDest:
    """A sourceList / destinationList entry; `type` is the full CBV URN."""

    type: str
    id: Identifier


@dataclass(slots=True)
class Event:
    """A validated EPCIS event, whatever form it arrived in.

    Identifiers are parsed; CBV words are expanded to full URNs (bizStep
    `urn:epcglobal:cbv:bizstep:…`, disposition `urn:epcglobal:cbv:disp:…`, source/destination
    types `urn:epcglobal:cbv:sdt:…`, bizTransaction types `urn:epcglobal:cbv:btt:…`); other URIs
    are kept as they are. Times are kept as ISO 8601 strings, `event_time_utc` is the eventTime
    in UTC as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    """

    event_id: str
    event_type: str
    event_time: str
    event_time_utc: str
    event_time_zone_offset: str
    hash_id: str
    raw: dict[str, Any]
    action: str | None = None
    record_time: str | None = None
    biz_step: str | None = None
    disposition: str | None = None
    read_point: Identifier | None = None
    biz_location: Identifier | None = None
    # epcList (Object, Transaction), childEPCs (Aggregation, Association)
    epcs: list[Identifier] = field(default_factory=list)
    # quantityList / childQuantityList
    quantities: list[Quantity] = field(default_factory=list)
    # parentID (Aggregation, Transaction, Association)
    parent: Identifier | None = None
    input_epcs: list[Identifier] = field(default_factory=list)
    input_quantities: list[Quantity] = field(default_factory=list)
    output_epcs: list[Identifier] = field(default_factory=list)
    output_quantities: list[Quantity] = field(default_factory=list)
    transformation_id: str | None = None
    sources: list[SourceDest] = field(default_factory=list)
    destinations: list[SourceDest] = field(default_factory=list)
    # (type URN or "", value) pairs
    biz_transactions: list[tuple[str, str]] = field(default_factory=list)
    ilmd: dict[str, Any] = field(default_factory=dict)
    # ILMD lot data under engine names: sellByDate, expirationDate, bestBeforeDate,
    # harvestStartDate, harvestEndDate, firstFreezeDate (values as given, YYYY-MM-DD or ISO)
    lot_data: dict[str, str] = field(default_factory=dict)
    # the extension namespaces of the event's document (prefix → IRI), kept with the event so
    # the query interface can declare them when it returns the event; declarations, not
    # content (a streamed XML event knows the prefixes seen so far), so not compared
    namespaces: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class Rejected:
    """An event that failed validation: its 0-based index, its eventID if it had one, why."""

    index: int
    event_id: str | None
    field: str
    reason: str


@dataclass(slots=True)
class FacilityData:
    """Master data of a location (vocabulary urn:epcglobal:epcis:vtype:BusinessLocation)."""

    id: Identifier
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ProductData:
    """Master data of a product class or lot (vtype EPCClass)."""

    id: Identifier
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedDocument:
    """Every event of a document, in order, each either parsed or rejected, and its master data."""

    items: list[Event | Rejected]
    facilities: list[FacilityData] = field(default_factory=list)
    products: list[ProductData] = field(default_factory=list)
    # master-data elements left out: (id as given, why), e.g. an id that is not an identifier
    ignored_master_data: list[tuple[str, str]] = field(default_factory=list)
