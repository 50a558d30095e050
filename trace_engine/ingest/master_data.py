"""A document's master data checked before anything of the document is written (pure).

The master data of a document (its header's vocabulary: business locations, read points and
product classes, with their attributes) is written with its first batch, and a farm statement
derived from it with the listings. A value there that Neo4j cannot index (an identifier at
its bound of 8,000 bytes beside a long org in `(id, org)`; `graph.index_keys`) is not one
event's failure: online it ended the whole `load` after the document's first batch had
failed, and `load --initial` did not look, so the index build after its import failed and
left a graph without its constraints. A farm attribute that is not acceptable failed a capture
job or a `load` with a traceback, where `--initial` refused the file.

Now every path asks this module first and refuses the document as a whole, naming the
element and the field, before anything of it is written: `capture` answers 400,
`load` and `load --initial` report the file as not read (its other files go on). The
master-data API (`PUT /api/v1/facilities/{id}`, `…/products/{id}`) asks it too
(`check_statement`) and answers 400 naming the identifier (it answered 500).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trace_engine.enterprise.repository import org_json
from trace_engine.enterprise.schemas import ComplianceStatus, FarmFields
from trace_engine.enterprise.service import farm_statements, org_key
from trace_engine.epcis.model import ParsedDocument
from trace_engine.errors import InvalidDocument, InvalidIdentifier, InvalidInput
from trace_engine.graph.index_keys import KeyCheck
from trace_engine.identifiers import Identifier
from trace_engine.ingest.rows import build_rows

_TIME = "0000-00-00T00:00:00.000Z"  # a stamp's length (`rank` holds the creation time)
_LONGEST_STATUS = max((s.value for s in ComplianceStatus), key=len)
_TABLES = (("facilities", "Facility", "FacilityData"), ("products", "Product", "ProductData"))
_SHOWN = 64  # characters of an element's id shown in the error


Node = tuple[str, dict[str, Any], str]  # label, indexed properties, what to call them


def _thing(
    key: str, aliases: list[str], label: str, statement: str | None, org: str
) -> Iterator[Node]:
    """The nodes of a thing (its aliases, the org's statement about it), in write order."""
    yield label, {"id": key}, "id"
    for raw in aliases:
        yield "Alias", {"id": raw}, "id as given"
    if statement is not None:
        yield statement, {"id": key, "org": org}, "id with the org"


def _farm(facility: str, org: str) -> Node:
    """The org's farm listing row of a facility (`rank` and `statusRank` at their longest)."""
    prefix = org_json(org)
    props = {
        "key": org_key(org, facility),
        "org": org,
        "rank": f"{prefix} {_TIME} {facility}",
        "statusRank": f"{prefix} {_LONGEST_STATUS} {_TIME} {facility}",
    }
    return "FarmProfile", props, "id in the org's farm listing"


def _nodes(
    master: ParsedDocument, org: str, farms: list[tuple[str, FarmFields]]
) -> Iterator[tuple[str, Node]]:
    """(element as given, node) of every node the master data writes, in write order."""
    rows = build_rows([], master, org, None, _TIME)
    shown = {}
    for table, label, statement in _TABLES:
        for row in getattr(rows, table):
            element = shown[row["id"]] = row["displayId"]
            stated = statement if row["attributes"] else None
            for node in _thing(row["id"], row["aliases"], label, stated, org):
                yield element, node
    for facility, _ in farms:
        yield shown.get(facility, facility), _farm(facility, org)


def _overflow(nodes: Iterator[tuple[str, Node]], check: KeyCheck | None) -> tuple[str, str] | None:
    """The element (cut short) of the first node of `nodes` Neo4j could not index, and why,
    or None."""
    overflow = (check or KeyCheck()).overflow
    for element, (label, props, what) in nodes:
        if (found := overflow(label, props)) is not None:
            index, size = found
            name = element if len(element) <= _SHOWN else element[:_SHOWN] + "…"
            return name, f"its {what} is too large for Neo4j's index {index.name} ({size} bytes)"
    return None


def check_master_data(
    master: ParsedDocument, org: str, check: KeyCheck | None = None
) -> list[tuple[str, FarmFields]]:
    """The farm statements of the document's master data, once every node it writes is known
    to fit Neo4j's indexes; InvalidDocument names the element and field of the first that
    does not (or of a farm attribute that is not acceptable)."""
    try:
        farms = farm_statements(master.facilities)
    except InvalidInput as exc:
        raise InvalidDocument(str(exc)) from None
    if (found := _overflow(_nodes(master, org, farms), check)) is not None:
        element, why = found
        raise InvalidDocument(
            f"epcisMasterData {element}: {why}; nothing of the document was stored"
        )
    return farms


def check_statement(ident: Identifier, org: str, label: str, statement: str, farm: bool) -> None:
    """The same check for one org's statement about one thing through the master-data API
    (`PUT /api/v1/facilities/{id}`, `…/products/{id}`: the statement is always written, the
    farm listing row when `farm`); InvalidIdentifier names the identifier if it cannot be
    stored beside the org."""
    aliases = [ident.raw] if ident.raw != ident.key else []
    nodes = [(ident.raw, node) for node in _thing(ident.key, aliases, label, statement, org)]
    if farm:
        nodes.append((ident.raw, _farm(ident.key, org)))
    if (found := _overflow(iter(nodes), None)) is not None:
        element, why = found
        raise InvalidIdentifier(element, f"{why}; nothing was stored")
