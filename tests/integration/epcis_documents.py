"""EPCIS 2.0 JSON-LD documents for tests: events, with locations as the header's master data."""

from __future__ import annotations

from typing import Any

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def epcis_document(
    events: list[dict[str, Any]], locations: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A document of `events`; `locations` (vocabulary elements: `id`, `attributes`) are its
    master data of business locations."""
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    if locations is not None:
        vocabulary = {
            "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
            "vocabularyElementList": locations,
        }
        document["epcisHeader"] = {"epcisMasterData": {"vocabularyList": [vocabulary]}}
    return document
