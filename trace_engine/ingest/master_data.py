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
`load` and `load --initial` report the file as not read (its other files go on).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trace_engine.enterprise.repository import org_json
from trace_engine.enterprise.schemas import ComplianceStatus, FarmFields
from trace_engine.enterprise.service import farm_statements, org_key
from trace_engine.epcis.model import ParsedDocument
from trace_engine.errors import InvalidDocument, InvalidInput
from trace_engine.graph.index_keys import KeyCheck
from trace_engine.ingest.rows import build_rows

_TIME = "0000-00-00T00:00:00.000Z"  # a stamp's length (`rank` holds the creation time)
_LONGEST_STATUS = max((s.value for s in ComplianceStatus), key=len)
_TABLES = (("facilities", "Facility", "FacilityData"), ("products", "Product", "ProductData"))
_SHOWN = 64  # characters of an element's id shown in the error


def _nodes(
    master: ParsedDocument, org: str, farms: list[tuple[str, FarmFields]]
) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(element as given, label, indexed properties, what to call them) of every node the
    master data writes, in the online write order."""
    rows = build_rows([], master, org, None, _TIME)
    shown = {}
    for table, label, statement in _TABLES:
        for row in getattr(rows, table):
            element = shown[row["id"]] = row["displayId"]
            yield element, label, {"id": row["id"]}, "id"
            for raw in row["aliases"]:
                yield element, "Alias", {"id": raw}, "id as given"
            if row["attributes"]:
                yield element, statement, {"id": row["id"], "org": org}, "id with the org"
    prefix = org_json(org)
    for facility, _ in farms:
        rank = f"{prefix} {_TIME} {facility}"
        props = {
            "key": org_key(org, facility),
            "org": org,
            "rank": rank,
            "statusRank": f"{prefix} {_LONGEST_STATUS} {_TIME} {facility}",
        }
        yield shown.get(facility, facility), "FarmProfile", props, "id in the org's farm listing"


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
    overflow = (check or KeyCheck()).overflow
    for element, label, props, what in _nodes(master, org, farms):
        if (found := overflow(label, props)) is not None:
            index, size = found
            name = element if len(element) <= _SHOWN else element[:_SHOWN] + "…"
            raise InvalidDocument(
                f"epcisMasterData {name}: its {what} is too large for Neo4j's index "
                f"{index.name} ({size} bytes); nothing of the document was stored"
            )
    return farms
