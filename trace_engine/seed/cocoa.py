"""The cocoa cooperative of `seed/cocoa/`: farms, collection batches and two export shipments.

`build_cocoa()` is the source of `seed/cocoa/events.jsonld` and `build_shipments()` of
`seed/cocoa/shipments.json`; the story and what each listing shows are in that folder's
README. A unit test checks the files and the builders agree.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson

from trace_engine.seed.documents import ATTR_FACILITY_TYPE, ATTR_NAME, document, quantity

COOP_PREFIX = "0614141"
WAREHOUSE = f"urn:epc:id:sgln:{COOP_PREFIX}.00100.0"
PORT = f"urn:epc:id:sgln:{COOP_PREFIX}.00200.0"
BEANS = "0614141.055555"  # wet-season cocoa beans, collected
EXPORT = "0614141.066666"  # graded, bagged export beans
_ID_NAMESPACE = uuid.UUID("0c0c0a00-5eed-4c0c-8a0a-c0c0a5eed018")
_MDA = "urn:trace-engine:mda:"
BAG_KG = 64  # one jute bag of export cocoa


def farm_sgln(n: int) -> str:
    """Farm n's SGLN."""
    return f"urn:epc:id:sgln:{COOP_PREFIX}.{n:05d}.0"


def agent_pgln(n: int) -> str:
    """Collection agent n's PGLN."""
    return f"urn:epc:id:pgln:{COOP_PREFIX}.0010{n}"


def batch_lot(code: str) -> str:
    """A collection batch's lot (LGTIN class)."""
    return f"urn:epc:class:lgtin:{BEANS}.{code}"


def bag(shipment: str, n: int) -> str:
    """An export bag's SGTIN (one 64 kg jute bag)."""
    return f"urn:epc:id:sgtin:{EXPORT}.{shipment}{n:04d}"


def sscc(serial: int) -> str:
    """An export container's SSCC."""
    return f"urn:epc:id:sscc:{COOP_PREFIX}.{serial:010d}"


# n: (farmer, community, hectares, compliance status); farm 7 is rejected (deforestation
# alert), farms 11 and 12 are pending (plot survey not yet checked)
FARMS: dict[int, tuple[str, str, float, str]] = {
    1: ("Kouassi Yao", "Soubré", 3.5, "approved"),
    2: ("Adjoua Konan", "Soubré", 2.8, "approved"),
    3: ("Koffi N'Guessan", "Soubré", 4.2, "approved"),
    4: ("Aya Bamba", "Soubré", 1.9, "approved"),
    5: ("Seydou Traoré", "Soubré", 5.0, "approved"),
    6: ("Mariam Coulibaly", "Soubré", 2.4, "approved"),
    7: ("Ibrahim Ouattara", "Méagui", 6.1, "rejected"),
    8: ("Affoué Kouadio", "Méagui", 3.0, "approved"),
    9: ("Yao Kouamé", "Méagui", 2.2, "approved"),
    10: ("Akissi Tanoh", "Méagui", 3.7, "approved"),
    11: ("Drissa Koné", "Méagui", 1.6, "pending"),
    12: ("Fatou Diabaté", "Méagui", 2.9, "pending"),
}

# code: (farm, agent, day of January 2024, kilograms, bags)
BATCHES: dict[str, tuple[int, int, int, float, int]] = {
    "SOU-0105-01": (1, 1, 5, 1280.0, 20),
    "SOU-0105-02": (2, 1, 5, 960.0, 15),
    "SOU-0106-03": (3, 1, 6, 1536.0, 24),
    "SOU-0106-04": (4, 2, 6, 640.0, 10),
    "SOU-0107-05": (5, 2, 7, 1920.0, 30),
    "SOU-0107-06": (6, 2, 7, 768.0, 12),
    "MEA-0108-07": (7, 3, 8, 2048.0, 32),
    "MEA-0108-08": (8, 3, 8, 1152.0, 18),
    "MEA-0109-09": (9, 3, 9, 896.0, 14),
    "MEA-0109-10": (10, 3, 9, 1024.0, 16),
    "MEA-0110-11": (11, 3, 10, 576.0, 9),
    "MEA-0111-12": (12, 3, 11, 448.0, 7),
}
# bulk lot: batches bulked into it; export lot: its bags; container holding it
ROTTERDAM_BATCHES = [f"SOU-{c}" for c in ("0105-01", "0105-02", "0106-03", "0106-04")] + [
    "SOU-0107-05",
    "SOU-0107-06",
]
ANTWERP_BATCHES = ["MEA-0108-07", "MEA-0108-08", "MEA-0109-09"]
RECEIVED_ONLY = ["MEA-0109-10", "MEA-0110-11"]  # completed: at the warehouse, not yet bulked
STILL_COLLECTING = ["MEA-0111-12"]
ROTTERDAM_CONTAINERS = (sscc(1), sscc(2))
ANTWERP_CONTAINER = sscc(3)


class _Builder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, kind: str, day: int, hour: int, **body: Any) -> None:
        when = f"2024-01-{day:02d}T{hour:02d}:00:00.000Z"
        self.events.append(
            {
                "type": kind,
                "eventID": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{len(self.events)}')}",
                "eventTime": when,
                "eventTimeZoneOffset": "+00:00",
                **body,
            }
        )


def _kg(lot: str, kilograms: float) -> dict[str, Any]:
    return quantity(lot, kilograms, "KGM")


def build_events() -> list[dict[str, Any]]:
    """The season's events: collection, receipt, bulking, bagging, packing, shipping."""
    b = _Builder()
    for code, (farm, agent, day, kilograms, bags) in BATCHES.items():
        b.emit(
            "ObjectEvent",
            day,
            9,
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            quantityList=[_kg(batch_lot(code), kilograms), quantity(batch_lot(code), bags, "XBG")],
            bizLocation={"id": farm_sgln(farm)},
            sourceList=[{"type": "owning_party", "source": agent_pgln(agent)}],
        )
    for code, (_, _, day, kilograms, _) in BATCHES.items():
        if code in STILL_COLLECTING:
            continue
        b.emit(
            "ObjectEvent",
            day + 1,
            15,
            action="OBSERVE",
            bizStep="receiving",
            disposition="in_progress",
            quantityList=[_kg(batch_lot(code), kilograms)],
            bizLocation={"id": WAREHOUSE},
        )
    for name, codes, day in (("ROT", ROTTERDAM_BATCHES, 14), ("ANT", ANTWERP_BATCHES, 15)):
        bulk = batch_lot(f"BULK-{name}")
        total = sum(BATCHES[c][3] for c in codes)
        b.emit(
            "TransformationEvent",
            day,
            8,
            bizStep="creating_class_instance",
            inputQuantityList=[_kg(batch_lot(c), BATCHES[c][3]) for c in codes],
            outputQuantityList=[_kg(bulk, total)],
            bizLocation={"id": WAREHOUSE},
        )
        bag_epcs = [bag(name, i) for i in range(1, int(total // BAG_KG) + 1)]
        b.emit(
            "TransformationEvent",
            day,
            14,
            bizStep="commissioning",
            inputQuantityList=[_kg(bulk, total)],
            outputEPCList=bag_epcs,
            bizLocation={"id": WAREHOUSE},
        )
        containers = ROTTERDAM_CONTAINERS if name == "ROT" else (ANTWERP_CONTAINER,)
        share = -(-len(bag_epcs) // len(containers))
        for i, container in enumerate(containers):
            b.emit(
                "AggregationEvent",
                day + 1,
                10,
                action="ADD",
                bizStep="packing",
                parentID=container,
                childEPCs=bag_epcs[i * share : (i + 1) * share],
                bizLocation={"id": WAREHOUSE},
            )
    b.emit(
        "ObjectEvent",
        20,
        7,
        action="OBSERVE",
        bizStep="shipping",
        disposition="in_transit",
        epcList=list(ROTTERDAM_CONTAINERS),
        bizLocation={"id": PORT},
        bizTransactionList=[
            {
                "type": "bol",
                "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:BOL-SPY-2024-0117",
            }
        ],
        sourceList=[{"type": "location", "source": PORT}],
    )
    return b.events


def _locations() -> list[dict[str, Any]]:
    elements = []
    for n, (farmer, community, hectares, status) in FARMS.items():
        elements.append(
            {
                "id": farm_sgln(n),
                "attributes": [
                    {"id": ATTR_NAME, "attribute": f"Plantation {farmer}"},
                    {"id": ATTR_FACILITY_TYPE, "attribute": "FARM"},
                    {"id": _MDA + "farmerName", "attribute": farmer},
                    {"id": _MDA + "farmerId", "attribute": f"CIV-SOU-{n:04d}"},
                    {"id": _MDA + "phone", "attribute": f"+2250701{n:06d}"},
                    {"id": _MDA + "community", "attribute": community},
                    {"id": _MDA + "areaHectares", "attribute": hectares},
                    {"id": _MDA + "commodity", "attribute": "cocoa"},
                    {"id": _MDA + "complianceStatus", "attribute": status},
                ],
            }
        )
    for sgln, name, kind in (
        (WAREHOUSE, "Coopérative Agricole de Soubré, warehouse", "PROCESSOR"),
        (PORT, "Port of San-Pédro, coop berth", "PORT"),
    ):
        elements.append(
            {
                "id": sgln,
                "attributes": [
                    {"id": ATTR_NAME, "attribute": name},
                    {"id": ATTR_FACILITY_TYPE, "attribute": kind},
                ],
            }
        )
    return elements


def build_cocoa() -> dict[str, Any]:
    """The season as one EPCIS 2.0 JSON-LD document with the farms as master data."""
    header = {
        "epcisMasterData": {
            "vocabularyList": [
                {
                    "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                    "vocabularyElementList": _locations(),
                }
            ]
        }
    }
    return document(build_events(), "2024-01-20T08:00:00.000Z", header)


def build_shipments() -> list[dict[str, Any]]:
    """The two export shipments declared ahead (`PUT /api/v1/shipments/{id}` bodies)."""
    return [
        {
            "id": "SHP-COOP-ROT-001",
            "shipmentCode": "SHP-COOP-ROT-001",
            "status": "ready",
            "buyerCompany": "Barry Callebaut",
            "destinationCountry": "Netherlands",
            "destinationPort": "Rotterdam",
            "commodity": "Cocoa",
            "estimatedShipDate": "2024-01-20",
            "items": list(ROTTERDAM_CONTAINERS),
        },
        {
            "id": "SHP-COOP-ANT-002",
            "shipmentCode": "SHP-COOP-ANT-002",
            "status": "ready",
            "buyerCompany": "Cargill Cocoa & Chocolate",
            "destinationCountry": "Belgium",
            "destinationPort": "Antwerp",
            "commodity": "Cocoa",
            "estimatedShipDate": "2024-02-02",
            "items": [ANTWERP_CONTAINER],
        },
    ]


def write_cocoa(folder: Path) -> None:
    """Write `events.jsonld` and `shipments.json` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    option = orjson.OPT_INDENT_2
    (folder / "events.jsonld").write_bytes(orjson.dumps(build_cocoa(), option=option) + b"\n")
    (folder / "shipments.json").write_bytes(orjson.dumps(build_shipments(), option=option) + b"\n")
