"""EPCIS master data (`epcisHeader.epcisMasterData.vocabularyList`) → FacilityData / ProductData.

Vocabulary types read:

- `urn:epcglobal:epcis:vtype:BusinessLocation` and `urn:epcglobal:epcis:vtype:ReadPoint`
  → `FacilityData`
- `urn:epcglobal:epcis:vtype:EPCClass` → `ProductData`

(also their GS1 web forms `https://ref.gs1.org/epcis/vtype/…`); other vocabularies are ignored.

Attribute ids are read in the full form (`urn:epcglobal:cbv:mda:name`), the `cbvmda:` prefixed
form, and the `urn:epcglobal:cbv:mda#name` form of EPCIS 1.x, and renamed to engine names:

| attribute (mda local name, or our own URN)   | engine name       |
|----------------------------------------------|-------------------|
| name                                         | name              |
| descriptionShort, tradeItemDescription,      | name (products,   |
| regulatedProductName                         | when no `name`)   |
| streetAddressOne                             | street            |
| city                                         | city              |
| state                                        | state             |
| postalCode                                   | postalCode        |
| countryCode                                  | country           |
| urn:trace-engine:mda:facilityType            | type (FARM, …)    |
| urn:trace-engine:mda:sku                     | sku               |
| sellByDate, itemExpirationDate, bestBeforeDate, harvestStartDate, harvestEndDate,         |
| firstFreezeDate → sellByDate, expirationDate, bestBeforeDate, harvestStartDate, …        |

Every other attribute is kept under its id as given; a repeated id becomes a list; `children`
is kept under `children`. An attribute whose id is `id` or `org` (the statement node's own
identity: the thing and the org that states it) is kept as `urn:trace-engine:mda:id` /
`urn:trace-engine:mda:org`: written as it was, it moved the statement to another thing or
put it in another org's name. An element whose id is not a valid identifier is left out and listed
in `ParsedDocument.ignored_master_data` with the reason.
"""

from __future__ import annotations

from typing import Any

from trace_engine.epcis.model import FacilityData, ProductData
from trace_engine.epcis.normalise import LOT_DATE_NAMES, mda_local_name
from trace_engine.errors import InvalidIdentifier
from trace_engine.identifiers import parse_identifier

FACILITY_VTYPES = frozenset(
    {
        "urn:epcglobal:epcis:vtype:BusinessLocation",
        "urn:epcglobal:epcis:vtype:ReadPoint",
        "https://ref.gs1.org/epcis/vtype/BusinessLocation",
        "https://ref.gs1.org/epcis/vtype/ReadPoint",
    }
)
PRODUCT_VTYPES = frozenset(
    {"urn:epcglobal:epcis:vtype:EPCClass", "https://ref.gs1.org/epcis/vtype/EPCClass"}
)
FACILITY_TYPE_ATTR = "urn:trace-engine:mda:facilityType"
SKU_ATTR = "urn:trace-engine:mda:sku"

_ADDRESS = {
    "name": "name",
    "streetAddressOne": "street",
    "city": "city",
    "state": "state",
    "postalCode": "postalCode",
    "countryCode": "country",
}
_PRODUCT_NAMES = ("descriptionShort", "tradeItemDescription", "regulatedProductName")
# the properties that identify a master-data statement node ((:FacilityData {id, org})): never
# set from an attribute (cypher/ingest_facilities.cypher sets the attributes over the node)
_IDENTITY = frozenset({"id", "org"})
_OWN_ATTRIBUTE = "urn:trace-engine:mda:"


def normalise_attributes(
    attributes: list[dict[str, Any]], *, product: bool, namespaces: dict[str, str] | None = None
) -> dict[str, Any]:
    """A vocabulary element's attribute list → engine-named attributes (see module doc)."""
    out: dict[str, Any] = {}
    fallback_name: Any = None
    for attribute in attributes:
        if not isinstance(attribute, dict) or not isinstance(attribute.get("id"), str):
            continue
        key: str = attribute["id"]
        value = attribute.get("attribute")
        local = mda_local_name(key, namespaces)
        if key == FACILITY_TYPE_ATTR:
            name = "type"
        elif key == SKU_ATTR:
            name = "sku"
        elif local in _ADDRESS:
            name = _ADDRESS[local]
        elif local in LOT_DATE_NAMES:
            name = LOT_DATE_NAMES[local]
        elif product and local in _PRODUCT_NAMES:
            if fallback_name is None:
                fallback_name = value
            name = key
        else:
            name = key
        if name in _IDENTITY:
            name = _OWN_ATTRIBUTE + name
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    if product and "name" not in out and fallback_name is not None:
        out["name"] = fallback_name
    return out


def read_vocabularies(
    vocabularies: Any, namespaces: dict[str, str] | None = None
) -> tuple[list[FacilityData], list[ProductData], list[tuple[str, str]]]:
    """A JSON `vocabularyList` → facilities, products, and (id, reason) of elements left out."""
    facilities: list[FacilityData] = []
    products: list[ProductData] = []
    ignored: list[tuple[str, str]] = []
    for vocabulary in vocabularies if isinstance(vocabularies, list) else []:
        if not isinstance(vocabulary, dict):
            continue
        vtype = vocabulary.get("type")
        is_product = vtype in PRODUCT_VTYPES
        if not is_product and vtype not in FACILITY_VTYPES:
            continue
        for element in vocabulary.get("vocabularyElementList") or []:
            raw_id = element.get("id") if isinstance(element, dict) else None
            if not isinstance(raw_id, str):
                ignored.append((str(raw_id), "vocabulary element without an id"))
                continue
            try:
                ident = parse_identifier(raw_id)
            except InvalidIdentifier as exc:
                ignored.append((raw_id, exc.reason))
                continue
            attributes = normalise_attributes(
                element.get("attributes") or [], product=is_product, namespaces=namespaces
            )
            if element.get("children"):
                attributes["children"] = list(element["children"])
            if is_product:
                products.append(ProductData(id=ident, attributes=attributes))
            else:
                facilities.append(FacilityData(id=ident, attributes=attributes))
    return facilities, products, ignored


def master_data_of(document: dict[str, Any]) -> Any:
    """The `vocabularyList` of a JSON EPCIS document's header (or query results), or []."""
    header = document.get("epcisHeader")
    if isinstance(header, dict):
        master = header.get("epcisMasterData")
        if isinstance(master, dict) and isinstance(master.get("vocabularyList"), list):
            return master["vocabularyList"]
    body = document.get("epcisBody")
    if isinstance(body, dict):
        if isinstance(body.get("vocabularyList"), list):
            return body["vocabularyList"]
        results = (body.get("queryResults") or {}).get("resultsBody")
        if isinstance(results, dict) and isinstance(results.get("vocabularyList"), list):
            return results["vocabularyList"]
    return []
