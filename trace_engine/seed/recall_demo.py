# Long on purpose: mostly data: the recall scenario's events one by one.
"""The recall scenario of `seed/recall-demo/`: fresh-cut salads made from three farms' greens.

`build_recall_demo()` is the source of `seed/recall-demo/events.jsonld`; the story is in that
folder's README. Farm B's romaine lot is contaminated and reaches stores 12, 27 and 31 through
the processor's spring mix and Caesar kit lots; store 45 only received power greens.
"""

from __future__ import annotations

import calendar
import uuid
from pathlib import Path
from typing import Any

import orjson

from trace_engine.seed.documents import (
    destinations,
    document,
    iso_utc,
    master_data,
    quantity,
    sources,
)

CONTAMINATED_LOT = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
AFFECTED_STORES = (
    "urn:epc:id:sgln:0883456.00212.0",
    "urn:epc:id:sgln:0883456.00227.0",
    "urn:epc:id:sgln:0883456.00231.0",
)
UNAFFECTED_STORE = "urn:epc:id:sgln:0883456.00245.0"
# FSMA 204 flaws on purpose: farm B ships 3,800 kg of the romaine lot, the packer receives
# (and packs) 3,650 kg; store #27 receives its pallet without reference documents.
B_ROM_SHIPPED = 3800
B_ROM_RECEIVED = 3650
MISSING_DOCUMENTS_AT = "urn:epc:id:sgln:0883456.00227.0"

_TZ = "-07:00"  # California in May (PDT)
_ID_NAMESPACE = uuid.UUID("5b0f2a1e-8a47-4d51-9a0e-6f1c3f0e2d11")


def _sgln(cp: str, ref: str) -> str:
    return f"urn:epc:id:sgln:{cp}.{ref}.0"


def _pgln(cp: str) -> str:
    return f"urn:epc:id:pgln:{cp}.00000"


def _lgtin(cp_item: str, lot: str) -> str:
    return f"urn:epc:class:lgtin:{cp_item}.{lot}"


def _sscc(cp: str, serial: str) -> str:
    return f"urn:epc:id:sscc:{cp}.{serial}"


FARM_A, FARM_B, FARM_C = (
    _sgln("0860001", "00001"),
    _sgln("0860002", "00001"),
    _sgln("0860003", "00001"),
)
PACKER = _sgln("0861234", "00010")
PROCESSOR = _sgln("0872345", "00020")
DC = _sgln("0883456", "00100")
STORE_12, STORE_27, STORE_31 = AFFECTED_STORES
STORE_45 = UNAFFECTED_STORE

PARTY = {
    FARM_A: _pgln("0860001"),
    FARM_B: _pgln("0860002"),
    FARM_C: _pgln("0860003"),
    PACKER: _pgln("0861234"),
    PROCESSOR: _pgln("0872345"),
    DC: _pgln("0883456"),
    STORE_12: _pgln("0883456"),
    STORE_27: _pgln("0883456"),
    STORE_31: _pgln("0883456"),
    STORE_45: _pgln("0883456"),
}

LOCATIONS: list[tuple[str, dict[str, str]]] = [
    (FARM_A, {"name": "Salinas Sun Farms", "street": "1200 Abbott St", "city": "Salinas",
              "state": "CA", "postalCode": "93901", "country": "US", "type": "FARM"}),
    (FARM_B, {"name": "Pajaro Valley Greens", "street": "455 Riverside Rd",
              "city": "Watsonville", "state": "CA", "postalCode": "95076", "country": "US",
              "type": "FARM"}),
    (FARM_C, {"name": "Gonzales Leaf Co.", "street": "88 Alta St", "city": "Gonzales",
              "state": "CA", "postalCode": "93926", "country": "US", "type": "FARM"}),
    (PACKER, {"name": "Central Coast Packing", "street": "700 Work St", "city": "Salinas",
              "state": "CA", "postalCode": "93901", "country": "US", "type": "PACKING_HOUSE"}),
    (PROCESSOR, {"name": "FreshCut Salad Co.", "street": "2100 San Juan Rd",
                 "city": "Hollister", "state": "CA", "postalCode": "95023", "country": "US",
                 "type": "PROCESSING_FACILITY"}),
    (DC, {"name": "NorCal Grocers Distribution Center", "street": "3000 Grant Line Rd",
          "city": "Tracy", "state": "CA", "postalCode": "95304", "country": "US",
          "type": "DISTRIBUTION_CENTER"}),
    (STORE_12, {"name": "NorCal Grocers #12", "street": "445 University Ave",
                "city": "Palo Alto", "state": "CA", "postalCode": "94301", "country": "US",
                "type": "STORE"}),
    (STORE_27, {"name": "NorCal Grocers #27", "street": "1550 The Alameda", "city": "San Jose",
                "state": "CA", "postalCode": "95126", "country": "US", "type": "STORE"}),
    (STORE_31, {"name": "NorCal Grocers #31", "street": "3900 Piedmont Ave", "city": "Oakland",
                "state": "CA", "postalCode": "94611", "country": "US", "type": "STORE"}),
    (STORE_45, {"name": "NorCal Grocers #45", "street": "2020 J St", "city": "Sacramento",
                "state": "CA", "postalCode": "95811", "country": "US", "type": "STORE"}),
]  # fmt: skip

# Phone numbers (FSMA 204 location descriptions include one).
PHONES = {
    FARM_A: "+1-831-555-0101",
    FARM_B: "+1-831-555-0102",
    FARM_C: "+1-831-555-0103",
    PACKER: "+1-831-555-0110",
    PROCESSOR: "+1-831-555-0120",
    DC: "+1-209-555-0100",
    STORE_12: "+1-650-555-0112",
    STORE_27: "+1-408-555-0127",
    STORE_31: "+1-510-555-0131",
    STORE_45: "+1-916-555-0145",
}
LOCATIONS = [(where, {**attributes, "phone": PHONES[where]}) for where, attributes in LOCATIONS]

PRODUCTS: list[tuple[str, dict[str, str]]] = [
    ("urn:epc:idpat:sgtin:0860001.010001.*", {"name": "Romaine Lettuce, field run"}),
    ("urn:epc:idpat:sgtin:0860001.010002.*", {"name": "Green Leaf Lettuce, field run"}),
    ("urn:epc:idpat:sgtin:0860002.010001.*", {"name": "Romaine Lettuce, field run"}),
    ("urn:epc:idpat:sgtin:0860002.010003.*", {"name": "Baby Spinach, field run"}),
    ("urn:epc:idpat:sgtin:0860003.010003.*", {"name": "Baby Spinach, field run"}),
    ("urn:epc:idpat:sgtin:0860003.010004.*", {"name": "Lacinato Kale, field run"}),
    ("urn:epc:idpat:sgtin:0861234.020001.*", {"name": "Romaine Hearts, 24 ct case"}),
    ("urn:epc:idpat:sgtin:0861234.020002.*", {"name": "Green Leaf Lettuce, 24 ct case"}),
    ("urn:epc:idpat:sgtin:0861234.020003.*", {"name": "Baby Spinach, 4 lb case"}),
    ("urn:epc:idpat:sgtin:0861234.020004.*", {"name": "Lacinato Kale, 24 ct case"}),
    ("urn:epc:idpat:sgtin:0872345.030001.*", {"name": "Spring Mix Salad 5 oz", "sku": "FC-30001"}),
    ("urn:epc:idpat:sgtin:0872345.030002.*", {"name": "Caesar Salad Kit 10 oz", "sku": "FC-30002"}),
    ("urn:epc:idpat:sgtin:0872345.030003.*", {"name": "Power Greens 5 oz", "sku": "FC-30003"}),
]

# Farm lots (KGM)
A_ROM = _lgtin("0860001.010001", "SSF240501R")
A_GL = _lgtin("0860001.010002", "SSF240501G")
B_ROM = CONTAMINATED_LOT
B_SP = _lgtin("0860002.010003", "PVG240502S")
C_SP = _lgtin("0860003.010003", "GLC240501S")
C_KALE = _lgtin("0860003.010004", "GLC240502K")
# Packed lots (CS)
P_A_ROM = _lgtin("0861234.020001", "CCP0503A01")
P_A_GL = _lgtin("0861234.020002", "CCP0503A02")
P_B_ROM = _lgtin("0861234.020001", "CCP0503B01")
P_B_SP = _lgtin("0861234.020003", "CCP0503B02")
P_C_SP = _lgtin("0861234.020003", "CCP0503C01")
P_C_KALE = _lgtin("0861234.020004", "CCP0503C02")
# Processor lots (EA)
SPRING_1 = _lgtin("0872345.030001", "FCS240505SM1")
SPRING_2 = _lgtin("0872345.030001", "FCS240505SM2")
CAESAR = _lgtin("0872345.030002", "FCS240505CK1")
POWER = _lgtin("0872345.030003", "FCS240505PG1")
# Pallets
PAL_1, PAL_2, PAL_3 = (_sscc("0861234", f"100000010{i}") for i in (1, 2, 3))
PAL_4, PAL_5 = (_sscc("0872345", f"200000020{i}") for i in (1, 2))
PAL_6, PAL_7, PAL_8, PAL_9 = (_sscc("0883456", f"300000030{i}") for i in (1, 2, 3, 4))


def _t(day: int, hhmm: str) -> int:
    hour, minute = int(hhmm[:2]), int(hhmm[2:])
    return calendar.timegm((2024, 5, day, hour, minute, 0, 0, 0, 0))


def _cp(location: str) -> str:
    return PARTY[location].split(":")[-1].split(".")[0]


def _lot_code(lgtin: str) -> str:
    return lgtin.rsplit(".", 1)[-1]


def _bt(kind: str, party_cp: str, number: str) -> dict[str, str]:
    # urn:epcglobal:cbv:bt:<GLN of the issuer>:<document number>
    return {"type": kind, "bizTransaction": f"urn:epcglobal:cbv:bt:{party_cp}000009:{number}"}


class _Builder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, when: int, where: str, **fields: Any) -> None:
        event: dict[str, Any] = {
            "type": kind,
            "eventID": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, str(len(self.events) + 1))}",
            "eventTime": iso_utc(when),
            "eventTimeZoneOffset": _TZ,
        }
        event.update(fields)
        event["readPoint"] = {"id": where}
        event["bizLocation"] = {"id": where}
        self.events.append(event)

    def commission(self, when: int, farm: str, lot: str, kg: int, harvest: str) -> None:
        self.add(
            "ObjectEvent",
            when,
            farm,
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            quantityList=[quantity(lot, kg, "KGM")],
            ilmd={"cbvmda:harvestStartDate": harvest, "cbvmda:harvestEndDate": harvest},
            bizTransactionList=[_bt("prodorder", _cp(farm), f"HRV-{_lot_code(lot)}")],
            destinationList=destinations(PACKER, PARTY[PACKER]),
        )

    def cool(self, when: int, where: str, lot: str, kg: int, celsius: float) -> None:
        # FSMA 204 cooling: CBV has no cooling step, so bizStep `other` with the temperature
        self.add(
            "ObjectEvent",
            when,
            where,
            action="OBSERVE",
            bizStep="other",
            disposition="active",
            quantityList=[quantity(lot, kg, "KGM")],
            bizTransactionList=[_bt("prodorder", _cp(where), f"COOL-{_lot_code(lot)}")],
            sensorElementList=[
                {
                    "sensorMetadata": {"time": iso_utc(when)},
                    "sensorReport": [{"type": "Temperature", "value": celsius, "uom": "CEL"}],
                }
            ],
        )

    def move(
        self,
        step: str,
        when: int,
        src: str,
        dst: str,
        *,
        lots: list[dict[str, Any]] | None = None,
        pallets: list[str] | None = None,
        po: str,
        desadv: str,
        documents: bool = True,
    ) -> None:
        fields: dict[str, Any] = {"action": "OBSERVE", "bizStep": step}
        if step == "shipping":
            fields["disposition"] = "in_transit"
        elif dst in AFFECTED_STORES or dst == STORE_45:
            fields["disposition"] = "sellable_not_accessible"
        else:
            fields["disposition"] = "in_progress"
        if pallets:
            fields["epcList"] = pallets
        if lots:
            fields["quantityList"] = lots
        buyer = PARTY[dst].split(":")[-1].split(".")[0]
        seller = PARTY[src].split(":")[-1].split(".")[0]
        if documents:
            fields["bizTransactionList"] = [_bt("po", buyer, po), _bt("desadv", seller, desadv)]
        fields["sourceList"] = sources(src, PARTY[src])
        fields["destinationList"] = destinations(dst, PARTY[dst])
        self.add("ObjectEvent", when, src if step == "shipping" else dst, **fields)

    def pack(self, when: int, where: str, pallet: str, lots: list[dict[str, Any]]) -> None:
        self.add(
            "AggregationEvent",
            when,
            where,
            parentID=pallet,
            childQuantityList=lots,
            action="ADD",
            bizStep="packing",
            disposition="in_progress",
        )

    def unpack(self, when: int, where: str, pallet: str, lots: list[dict[str, Any]]) -> None:
        self.add(
            "AggregationEvent",
            when,
            where,
            parentID=pallet,
            childQuantityList=lots,
            action="DELETE",
            bizStep="unpacking",
            disposition="in_progress",
        )

    def transform(
        self,
        when: int,
        where: str,
        step: str,
        inputs: list[dict[str, Any]],
        outputs: list[dict[str, Any]],
        ilmd: dict[str, str],
        order: str,
    ) -> None:
        self.add(
            "TransformationEvent",
            when,
            where,
            inputQuantityList=inputs,
            outputQuantityList=outputs,
            bizStep=step,
            disposition="active",
            ilmd=ilmd,
            bizTransactionList=[_bt("prodorder", _cp(where), order)],
        )

    def stock(self, when: int, store: str, lot: str, each: int) -> None:
        self.add(
            "ObjectEvent",
            when,
            store,
            action="OBSERVE",
            bizStep="stocking",
            disposition="sellable_accessible",
            quantityList=[quantity(lot, each, "EA")],
            sourceList=sources(DC),
            destinationList=destinations(store),
        )


def build_recall_events() -> list[dict[str, Any]]:
    """The scenario's 64 events in time order."""
    b = _Builder()
    q = quantity
    # Farms harvest and commission their lots.
    b.commission(_t(1, "1430"), FARM_A, A_ROM, 4200, "2024-05-01")
    b.commission(_t(1, "1500"), FARM_C, C_SP, 2700, "2024-05-01")
    b.commission(_t(1, "1610"), FARM_A, A_GL, 3100, "2024-05-01")
    b.commission(_t(2, "1345"), FARM_B, B_ROM, 3800, "2024-05-02")
    b.commission(_t(2, "1415"), FARM_C, C_KALE, 1900, "2024-05-02")
    b.commission(_t(2, "1520"), FARM_B, B_SP, 2500, "2024-05-02")
    # Farms ship bins to the packer.
    b.move(
        "shipping",
        _t(2, "1800"),
        FARM_A,
        PACKER,
        lots=[q(A_ROM, 4200, "KGM"), q(A_GL, 3100, "KGM")],
        po="PO-CCP-5101",
        desadv="ASN-SSF-0502",
    )
    b.move(
        "shipping",
        _t(2, "1900"),
        FARM_C,
        PACKER,
        lots=[q(C_SP, 2700, "KGM"), q(C_KALE, 1900, "KGM")],
        po="PO-CCP-5103",
        desadv="ASN-GLC-0502",
    )
    b.move(
        "receiving",
        _t(2, "2010"),
        FARM_A,
        PACKER,
        lots=[q(A_ROM, 4200, "KGM"), q(A_GL, 3100, "KGM")],
        po="PO-CCP-5101",
        desadv="ASN-SSF-0502",
    )
    b.move(
        "shipping",
        _t(2, "2030"),
        FARM_B,
        PACKER,
        lots=[q(B_ROM, 3800, "KGM"), q(B_SP, 2500, "KGM")],
        po="PO-CCP-5102",
        desadv="ASN-PVG-0502",
    )
    b.move(
        "receiving",
        _t(2, "2105"),
        FARM_C,
        PACKER,
        lots=[q(C_SP, 2700, "KGM"), q(C_KALE, 1900, "KGM")],
        po="PO-CCP-5103",
        desadv="ASN-GLC-0502",
    )
    b.move(
        "receiving",
        _t(2, "2240"),
        FARM_B,
        PACKER,
        # the deliberate mass-balance gap: 150 kg of farm B's romaine never arrived
        lots=[q(B_ROM, B_ROM_RECEIVED, "KGM"), q(B_SP, 2500, "KGM")],
        po="PO-CCP-5102",
        desadv="ASN-PVG-0502",
    )
    # The packer hydro-cools, washes and packs each farm lot into its own case lot.
    cooled = [(A_ROM, 4200), (A_GL, 3100), (B_ROM, B_ROM_RECEIVED), (B_SP, 2500),
              (C_SP, 2700), (C_KALE, 1900)]  # fmt: skip
    for i, (farm_lot, kg) in enumerate(cooled):
        b.cool(_t(3, f"{6 + i // 2:02d}{(i % 2) * 30:02d}"), PACKER, farm_lot, kg, 1.5 + i / 10)
    packed = [
        (A_ROM, 4200, P_A_ROM, 420), (A_GL, 3100, P_A_GL, 300),
        (B_ROM, B_ROM_RECEIVED, P_B_ROM, 380),
        (B_SP, 2500, P_B_SP, 560), (C_SP, 2700, P_C_SP, 600), (C_KALE, 1900, P_C_KALE, 190),
    ]  # fmt: skip
    for i, (farm_lot, kg, case_lot, cases) in enumerate(packed):
        b.transform(
            _t(3, f"{13 + i // 2:02d}{(i % 2) * 30:02d}"),
            PACKER,
            "commissioning",
            [q(farm_lot, kg, "KGM")],
            [q(case_lot, cases, "CS")],
            {"cbvmda:bestBeforeDate": "2024-05-17"},
            f"PACK-{_lot_code(case_lot)}",
        )
    b.pack(_t(3, "1700"), PACKER, PAL_1, [q(P_A_ROM, 420, "CS"), q(P_B_ROM, 380, "CS")])
    b.pack(_t(3, "1720"), PACKER, PAL_2, [q(P_B_SP, 560, "CS"), q(P_C_SP, 600, "CS")])
    b.pack(_t(3, "1740"), PACKER, PAL_3, [q(P_A_GL, 300, "CS"), q(P_C_KALE, 190, "CS")])
    b.move(
        "shipping",
        _t(3, "2000"),
        PACKER,
        PROCESSOR,
        pallets=[PAL_1, PAL_2, PAL_3],
        po="PO-FCS-88120",
        desadv="ASN-CCP-24050301",
    )
    # The processor receives, unpacks and makes three salads from several farms' greens.
    b.move(
        "receiving",
        _t(4, "1400"),
        PACKER,
        PROCESSOR,
        pallets=[PAL_1, PAL_2, PAL_3],
        po="PO-FCS-88120",
        desadv="ASN-CCP-24050301",
    )
    b.unpack(_t(4, "1430"), PROCESSOR, PAL_1, [q(P_A_ROM, 420, "CS"), q(P_B_ROM, 380, "CS")])
    b.unpack(_t(4, "1440"), PROCESSOR, PAL_2, [q(P_B_SP, 560, "CS"), q(P_C_SP, 600, "CS")])
    b.unpack(_t(4, "1450"), PROCESSOR, PAL_3, [q(P_A_GL, 300, "CS"), q(P_C_KALE, 190, "CS")])
    dates = {"cbvmda:sellByDate": "2024-05-17", "cbvmda:itemExpirationDate": "2024-05-19"}
    b.transform(
        _t(5, "1300"),
        PROCESSOR,
        "creating_class_instance",
        [q(P_A_ROM, 220, "CS"), q(P_B_ROM, 180, "CS"), q(P_A_GL, 300, "CS"), q(P_C_SP, 350, "CS")],
        [q(SPRING_1, 2400, "EA"), q(SPRING_2, 2400, "EA")],
        dates,
        "WO-FCS-24050501",
    )
    b.transform(
        _t(5, "1500"),
        PROCESSOR,
        "creating_class_instance",
        [q(P_B_ROM, 200, "CS"), q(P_A_ROM, 200, "CS")],
        [q(CAESAR, 3000, "EA")],
        dates,
        "WO-FCS-24050502",
    )
    b.transform(
        _t(5, "1700"),
        PROCESSOR,
        "creating_class_instance",
        [q(P_B_SP, 560, "CS"), q(P_C_KALE, 190, "CS"), q(P_C_SP, 250, "CS")],
        [q(POWER, 2800, "EA")],
        dates,
        "WO-FCS-24050503",
    )
    b.pack(_t(5, "2100"), PROCESSOR, PAL_4, [q(SPRING_1, 2400, "EA"), q(CAESAR, 3000, "EA")])
    b.pack(_t(5, "2120"), PROCESSOR, PAL_5, [q(SPRING_2, 2400, "EA"), q(POWER, 2800, "EA")])
    b.move(
        "shipping",
        _t(5, "2300"),
        PROCESSOR,
        DC,
        pallets=[PAL_4, PAL_5],
        po="PO-NCG-770431",
        desadv="ASN-FCS-24050501",
    )
    # The distribution centre breaks the pallets and builds one pallet per store.
    b.move(
        "receiving",
        _t(6, "0330"),
        PROCESSOR,
        DC,
        pallets=[PAL_4, PAL_5],
        po="PO-NCG-770431",
        desadv="ASN-FCS-24050501",
    )
    b.unpack(_t(6, "0400"), DC, PAL_4, [q(SPRING_1, 2400, "EA"), q(CAESAR, 3000, "EA")])
    b.unpack(_t(6, "0410"), DC, PAL_5, [q(SPRING_2, 2400, "EA"), q(POWER, 2800, "EA")])
    routes = [
        (PAL_6, STORE_12, [q(SPRING_1, 600, "EA"), q(CAESAR, 800, "EA")], "12"),
        (PAL_7, STORE_27, [q(SPRING_1, 700, "EA"), q(POWER, 500, "EA")], "27"),
        (PAL_8, STORE_31, [q(SPRING_2, 900, "EA"), q(CAESAR, 700, "EA")], "31"),
        (PAL_9, STORE_45, [q(POWER, 600, "EA")], "45"),
    ]
    for i, (pallet, _store, lots, _n) in enumerate(routes):
        b.pack(_t(6, f"09{i * 15:02d}"), DC, pallet, lots)
    for i, (pallet, store, _lots, n) in enumerate(routes):
        b.move(
            "shipping",
            _t(6, f"11{i * 15:02d}"),
            DC,
            store,
            pallets=[pallet],
            po=f"TO-NCG-{n}-0506",
            desadv=f"ASN-NCG-{n}-0506",
        )
    # Stores receive, break down and put the salads on the shelf.
    arrivals = ["1530", "1610", "1645", "1820"]
    for (pallet, store, lots, n), at in zip(routes, arrivals, strict=True):
        when = _t(6, at)
        b.move(
            "receiving",
            when,
            DC,
            store,
            pallets=[pallet],
            po=f"TO-NCG-{n}-0506",
            desadv=f"ASN-NCG-{n}-0506",
            # the deliberate missing KDE: store #27 received without the transfer documents
            documents=store != MISSING_DOCUMENTS_AT,
        )
        b.unpack(when + 20 * 60, store, pallet, lots)
    for (_pallet, store, lots, _n), at in zip(routes, arrivals, strict=True):
        for j, lot in enumerate(lots):
            b.stock(_t(6, at) + 3600 + j * 900, store, lot["epcClass"], 24 if j else 36)
    b.events.sort(key=lambda e: e["eventTime"])
    return b.events


def build_recall_demo() -> dict[str, Any]:
    """The recall scenario as one EPCIS 2.0 JSON-LD EPCISDocument with master data."""
    events = build_recall_events()
    header = master_data(LOCATIONS, PRODUCTS)
    return document(events, "2024-05-07T06:00:00.000Z", header)


def write_recall_demo(path: Path) -> Path:
    """Write the recall scenario document to `path` (pretty-printed JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(build_recall_demo(), option=orjson.OPT_INDENT_2) + b"\n")
    return path
