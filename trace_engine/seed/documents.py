"""Small builders for EPCIS 2.0 JSON-LD documents, events and master data used by the seeds."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
VTYPE_LOCATION = "urn:epcglobal:epcis:vtype:BusinessLocation"
VTYPE_EPC_CLASS = "urn:epcglobal:epcis:vtype:EPCClass"

MDA = "urn:epcglobal:cbv:mda:"
ATTR_NAME = MDA + "name"
ATTR_STREET = MDA + "streetAddressOne"
ATTR_CITY = MDA + "city"
ATTR_STATE = MDA + "state"
ATTR_POSTAL_CODE = MDA + "postalCode"
ATTR_COUNTRY = MDA + "countryCode"
# Food Trust facility types and SKUs have no CBV attribute, so they live under our own namespace.
ATTR_FACILITY_TYPE = "urn:trace-engine:mda:facilityType"
ATTR_SKU = "urn:trace-engine:mda:sku"
# CBV master data has no telephone either (FSMA 204 location descriptions need one).
ATTR_PHONE = "urn:trace-engine:mda:phone"

# Keys of the plain master-data dicts the seeds use → CBV / trace-engine attribute IDs.
ATTRIBUTE_IDS = {
    "name": ATTR_NAME,
    "street": ATTR_STREET,
    "city": ATTR_CITY,
    "state": ATTR_STATE,
    "postalCode": ATTR_POSTAL_CODE,
    "country": ATTR_COUNTRY,
    "type": ATTR_FACILITY_TYPE,
    "sku": ATTR_SKU,
    "phone": ATTR_PHONE,
}


def iso_utc(seconds: int) -> str:
    """Format Unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))


def iso_date(seconds: int) -> str:
    """Format Unix seconds as the UTC date `YYYY-MM-DD`."""
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def quantity(epc_class: str, amount: float, uom: str) -> dict[str, Any]:
    """One quantityList element."""
    return {"epcClass": epc_class, "quantity": amount, "uom": uom}


def sources(location: str, party: str | None = None) -> list[dict[str, str]]:
    """A sourceList with the shipping location and, when given, the owning party."""
    out = [{"type": "location", "source": location}]
    if party:
        out.insert(0, {"type": "owning_party", "source": party})
    return out


def destinations(location: str, party: str | None = None) -> list[dict[str, str]]:
    """A destinationList with the receiving location and, when given, the owning party."""
    out = [{"type": "location", "destination": location}]
    if party:
        out.insert(0, {"type": "owning_party", "destination": party})
    return out


def vocabulary_element(element_id: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A vocabulary element from a plain dict keyed as in ATTRIBUTE_IDS."""
    return {
        "id": element_id,
        "attributes": [
            {"id": ATTRIBUTE_IDS.get(key, key), "attribute": value}
            for key, value in attributes.items()
        ],
    }


def master_data(
    locations: Iterable[tuple[str, Mapping[str, Any]]],
    products: Iterable[tuple[str, Mapping[str, Any]]],
) -> dict[str, Any]:
    """An epcisHeader with BusinessLocation and EPCClass vocabularies."""
    vocabularies = []
    location_elements = [vocabulary_element(i, a) for i, a in locations]
    if location_elements:
        vocabularies.append({"type": VTYPE_LOCATION, "vocabularyElementList": location_elements})
    product_elements = [vocabulary_element(i, a) for i, a in products]
    if product_elements:
        vocabularies.append({"type": VTYPE_EPC_CLASS, "vocabularyElementList": product_elements})
    return {"epcisMasterData": {"vocabularyList": vocabularies}}


def document(
    events: Sequence[Mapping[str, Any]],
    creation_date: str,
    header: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An EPCISDocument holding the events and, when given, an epcisHeader."""
    doc: dict[str, Any] = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": creation_date,
    }
    if header:
        doc["epcisHeader"] = header
    doc["epcisBody"] = {"eventList": list(events)}
    return doc
