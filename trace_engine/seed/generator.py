# Long on purpose: one job (deterministic chains + ground truth) and its writers.
"""Deterministic synthetic supply chains as EPCIS 2.0 JSON-LD documents, with their ground truth.

The output is a sequence of independent supply networks (farms → packer → processor tiers →
distribution centre → stores), each built, written and forgotten before the next, so memory
does not grow with the number of events. Everything random comes from one `random.Random(seed)`
and every output list is ordered explicitly, so one seed gives byte-identical files.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from trace_engine.seed.documents import (
    ATTRIBUTE_IDS,
    EPCIS_CONTEXT,
    VTYPE_EPC_CLASS,
    VTYPE_LOCATION,
    iso_date,
    iso_utc,
)
from trace_engine.seed.oracle import Direction, Lineage, TraceTruth

MANIFEST_NAME = "manifest.json"
TRUTH_NAME = "truth.jsonl"

_HOUR = 3600
_DAY = 24 * _HOUR
_BASE_TIME = 1704067200  # 2024-01-01T00:00:00Z
_NETWORK_STAGGER = 40 * 60  # networks start ~40 minutes apart, so time advances through files
# More processing lines per tier than this would make a fan-out > fan-in chain explode.
_MAX_TRANSFORMATIONS_PER_TIER = 6

_COMMODITIES = (
    "Romaine Lettuce",
    "Baby Spinach",
    "Kale",
    "Roma Tomatoes",
    "Ataulfo Mangoes",
    "Strawberries",
    "Carrots",
    "Yellow Onions",
    "Bell Peppers",
    "Hass Avocados",
    "Cilantro",
    "Pineapples",
)
_RECIPES = (
    "Garden Salad Mix",
    "Salsa Fresca",
    "Tropical Fruit Cup",
    "Vegetable Stir-Fry Mix",
    "Guacamole",
    "Smoothie Pack",
    "Soup Base",
    "Coleslaw Mix",
    "Fajita Vegetables",
    "Fruit Salad",
)
_PLACES = (
    ("Salinas", "CA", "93901", "US", "-08:00"),
    ("Yuma", "AZ", "85364", "US", "-07:00"),
    ("Fresno", "CA", "93721", "US", "-08:00"),
    ("Immokalee", "FL", "34142", "US", "-05:00"),
    ("Plant City", "FL", "33563", "US", "-05:00"),
    ("McAllen", "TX", "78501", "US", "-06:00"),
    ("Yakima", "WA", "98901", "US", "-08:00"),
    ("Hermosillo", "SON", "83000", "MX", "-07:00"),
    ("Culiacan", "SIN", "80000", "MX", "-07:00"),
    ("Almeria", "AL", "04001", "ES", "+01:00"),
    ("Piura", "PIU", "20001", "PE", "-05:00"),
    ("Durham", "NC", "27701", "US", "-05:00"),
    ("Chicago", "IL", "60607", "US", "-06:00"),
    ("Atlanta", "GA", "30303", "US", "-05:00"),
    ("Denver", "CO", "80202", "US", "-07:00"),
    ("Columbus", "OH", "43215", "US", "-05:00"),
)
_NAME_A = (
    "Sunny",
    "Green",
    "Golden",
    "River",
    "Valley",
    "Mesa",
    "Coastal",
    "Cedar",
    "Blue",
    "Harvest",
    "Oak",
    "Prairie",
    "Canyon",
    "Willow",
    "Summit",
    "Lakeside",
)
_NAME_B = ("Acres", "Fields", "Ranch", "Growers", "Orchards", "Gardens", "Produce", "Hills")
_STREETS = (
    "Main St",
    "Farm Rd",
    "Industrial Blvd",
    "Market St",
    "Commerce Dr",
    "Route 9",
    "Harbor Way",
    "Depot Ave",
)


@dataclass(frozen=True, slots=True)
class GenerateSummary:
    """What `generate` wrote."""

    events: int
    files: int
    networks: int
    instances: int
    seed: int
    out: Path


@dataclass(frozen=True, slots=True)
class InstanceTruth:
    """One line of truth.jsonl: an instance's events and its lineage neighbourhood."""

    events: tuple[str, ...]
    ancestors: tuple[str, ...]
    descendants: tuple[str, ...]
    carriers: tuple[str, ...]


@dataclass(slots=True)
class _Facility:
    id: str
    cp: str
    tz: str
    attrs: dict[str, str]


class _World:
    """The bounded pools of organisations, facilities and products every network draws from."""

    def __init__(self, rng: random.Random) -> None:
        prefixes = [str(p) for p in rng.sample(range(1_000_000, 10_000_000), 400)]
        self.locations: dict[str, dict[str, str]] = {}
        self.products: dict[str, dict[str, str]] = {}
        self.farms = [self._facility(rng, prefixes.pop(), "FARM", i) for i in range(240)]
        self.packers = [self._facility(rng, prefixes.pop(), "PACKING_HOUSE", i) for i in range(40)]
        self.processors = [
            self._facility(rng, prefixes.pop(), "PROCESSING_FACILITY", i) for i in range(30)
        ]
        # Retailers: each owns two distribution centres and 24 stores under one prefix.
        self.retailers: list[tuple[list[_Facility], list[_Facility]]] = []
        for r in range(8):
            cp = prefixes.pop()
            # a retailer's DCs and stores are in one country
            country = rng.choice(("US", "US", "US", "MX", "ES"))
            places = [p for p in _PLACES if p[3] == country]
            dcs = [
                self._facility(rng, cp, "DISTRIBUTION_CENTER", r * 10 + i, 100 + i, places)
                for i in range(2)
            ]
            stores = [
                self._facility(rng, cp, "STORE", r * 100 + i, 200 + i, places) for i in range(24)
            ]
            self.retailers.append((dcs, stores))

    def _facility(
        self,
        rng: random.Random,
        cp: str,
        kind: str,
        n: int,
        loc_ref: int = 1,
        places: Sequence[tuple[str, str, str, str, str]] = _PLACES,
    ) -> _Facility:
        city, state, postal, country, tz = rng.choice(places)
        if kind == "FARM":
            name = f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)}"
        elif kind == "PACKING_HOUSE":
            name = f"{rng.choice(_NAME_A)} Packing Co."
        elif kind == "PROCESSING_FACILITY":
            name = f"{rng.choice(_NAME_A)} Fresh Foods"
        elif kind == "DISTRIBUTION_CENTER":
            name = f"{city} Distribution Center {n}"
        else:
            name = f"Market #{n}"
        facility_id = f"urn:epc:id:sgln:{cp}.{loc_ref:05d}.0"
        attrs = {
            "name": name,
            "street": f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}",
            "city": city,
            "state": state,
            "postalCode": postal,
            "country": country,
            "type": kind,
        }
        self.locations[facility_id] = attrs
        return _Facility(facility_id, cp, tz, attrs)

    def product(self, cp: str, item_ref: str, name: str, sku: bool = False) -> str:
        """The idpat of a product class, registered with its master data."""
        product_id = f"urn:epc:idpat:sgtin:{cp}.{item_ref}.*"
        if product_id not in self.products:
            attrs = {"name": name}
            if sku:
                attrs["sku"] = f"{cp[-4:]}{item_ref}"
            self.products[product_id] = attrs
        return product_id


def _product_of(lot: str) -> str:
    # urn:epc:class:lgtin:CP.ITEM.LOT → urn:epc:idpat:sgtin:CP.ITEM.*
    return "urn:epc:idpat:sgtin:" + lot[20:].rsplit(".", 1)[0] + ".*"


@dataclass(slots=True)
class _Lot:
    id: str
    qty: int
    uom: str
    ready: int  # when it is available at its current facility


class _Network:
    """Builds one supply network's events; times are Unix seconds until written."""

    def __init__(
        self,
        rng: random.Random,
        world: _World,
        counters: dict[str, int],
        start: int,
        fan_in: int,
        fan_out: int,
        depth: int,
    ) -> None:
        self.rng = rng
        self.world = world
        self.counters = counters
        self.start = start
        self.fan_in = fan_in
        self.fan_out = fan_out
        self.depth = depth
        self.events: list[tuple[int, int, dict[str, Any]]] = []

    # identifiers ---------------------------------------------------------------------------

    def _next(self, key: str) -> int:
        self.counters[key] += 1
        return self.counters[key]

    def _event_id(self) -> str:
        return f"urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"

    def _lot(self, product_id: str, tag: str, when: int) -> str:
        cp_item = product_id[20:-2]
        day = iso_date(when)
        lot = f"{tag}{day[2:4]}{day[5:7]}{day[8:10]}-{self._next('lot')}"
        return f"urn:epc:class:lgtin:{cp_item}.{lot}"

    def _sscc(self, cp: str) -> str:
        serial = f"{self.rng.randint(0, 9)}{self._next('sscc'):0{16 - len(cp)}d}"
        return f"urn:epc:id:sscc:{cp}.{serial}"

    def _bt(self, kind: str, cp: str) -> dict[str, str]:
        number = self._next(kind)
        return {
            "type": kind,
            "bizTransaction": f"urn:epcglobal:cbv:bt:{cp}000000:{kind.upper()}-{number}",
        }

    # events -------------------------------------------------------------------------------

    def _emit(self, when: int, where: _Facility, event: dict[str, Any]) -> None:
        # eventTime is filled in when written; the placeholder keeps the key order readable
        full = {
            "type": event.pop("type"),
            "eventID": self._event_id(),
            "eventTime": "",
            "eventTimeZoneOffset": where.tz,
            **event,
            "readPoint": {"id": where.id},
            "bizLocation": {"id": where.id},
        }
        self.events.append((when, len(self.events), full))

    def _hours(self, low: float, high: float) -> int:
        return int(self.rng.uniform(low, high) * _HOUR)

    def _move(
        self,
        lots: list[_Lot] | None,
        pallets: list[str] | None,
        src: _Facility,
        dst: _Facility,
        when: int,
        step: str,
        disposition: str,
        bts: list[dict[str, str]],
    ) -> None:
        event: dict[str, Any] = {"type": "ObjectEvent", "action": "OBSERVE"}
        if pallets:
            event["epcList"] = pallets
        if lots:
            event["quantityList"] = [
                {"epcClass": lot.id, "quantity": lot.qty, "uom": lot.uom} for lot in lots
            ]
        event["bizStep"] = step
        event["disposition"] = disposition
        event["bizTransactionList"] = bts
        event["sourceList"] = [{"type": "location", "source": src.id}]
        event["destinationList"] = [{"type": "location", "destination": dst.id}]
        self._emit(when, src if step == "shipping" else dst, event)

    def _ship(
        self,
        lots: list[_Lot] | None,
        pallets: list[str] | None,
        src: _Facility,
        dst: _Facility,
        when: int,
        transit: tuple[float, float],
        receive_disposition: str = "in_progress",
    ) -> int:
        """Ship and receive; return the arrival time."""
        bts = [self._bt("po", dst.cp), self._bt("desadv", src.cp)]
        self._move(lots, pallets, src, dst, when, "shipping", "in_transit", bts)
        arrival = when + self._hours(*transit)
        self._move(lots, pallets, src, dst, arrival, "receiving", receive_disposition, bts)
        return arrival

    def _aggregate(
        self, action: str, when: int, where: _Facility, pallet: str, lots: list[_Lot]
    ) -> None:
        self._emit(
            when,
            where,
            {
                "type": "AggregationEvent",
                "parentID": pallet,
                "childQuantityList": [
                    {"epcClass": lot.id, "quantity": lot.qty, "uom": lot.uom} for lot in lots
                ],
                "action": action,
                "bizStep": "packing" if action == "ADD" else "unpacking",
                "disposition": "in_progress",
            },
        )

    def _palletise(
        self, lots: list[_Lot], where: _Facility, dst: _Facility, transit: tuple[float, float]
    ) -> list[_Lot]:
        """Put lots on pallets, ship, receive and unpack them; return the lots at `dst`."""
        arrived: list[_Lot] = []
        i = 0
        while i < len(lots):
            group = lots[i : i + self.rng.randint(1, 3)]
            i += len(group)
            pallet = self._sscc(where.cp)
            packed = max(lot.ready for lot in group) + self._hours(0.5, 3)
            self._aggregate("ADD", packed, where, pallet, group)
            arrival = self._ship(None, [pallet], where, dst, packed + self._hours(1, 6), transit)
            unpacked = arrival + self._hours(0.3, 2)
            self._aggregate("DELETE", unpacked, dst, pallet, group)
            arrived.extend(_Lot(lot.id, lot.qty, lot.uom, unpacked) for lot in group)
        return arrived

    def _transform(
        self,
        when: int,
        where: _Facility,
        step: str,
        inputs: list[_Lot],
        outputs: list[_Lot],
        ilmd: dict[str, str],
    ) -> None:
        self._emit(
            when,
            where,
            {
                "type": "TransformationEvent",
                "inputQuantityList": [
                    {"epcClass": lot.id, "quantity": lot.qty, "uom": lot.uom} for lot in inputs
                ],
                "outputQuantityList": [
                    {"epcClass": lot.id, "quantity": lot.qty, "uom": lot.uom} for lot in outputs
                ],
                "bizStep": step,
                "disposition": "active",
                "ilmd": ilmd,
            },
        )

    # the chain ----------------------------------------------------------------------------

    def _plan(self) -> tuple[list[int], list[int]]:
        """Transformations per tier and how many fresh lots each tier needs."""
        f, o = self.fan_in, self.fan_out
        tiers = [self.rng.randint(1, 4)]
        fresh = [tiers[0] * f]
        available = tiers[0] * o
        for _ in range(1, self.depth):
            count = min(_MAX_TRANSFORMATIONS_PER_TIER, math.ceil(available / f))
            fresh.append(max(0, count * f - available))
            available = count * o + max(0, available - count * f)
            tiers.append(count)
        return tiers, fresh

    def build(self) -> list[tuple[int, int, dict[str, Any]]]:
        """All events of the network, in time order."""
        rng, world = self.rng, self.world
        tiers, fresh = self._plan()
        packer = rng.choice(world.packers)
        processor = rng.choice(world.processors)
        dcs, stores = rng.choice(world.retailers)
        dc = rng.choice(dcs)
        shops = rng.sample(stores, rng.randint(2, 4))
        farms = rng.sample(world.farms, rng.randint(2, 4))
        commodities = rng.sample(range(len(_COMMODITIES)), len(farms))

        packed_lots = [self._farm_to_packer(farms, commodities, packer, n) for n in fresh]
        at_processor = [self._palletise(lots, packer, processor, (4, 30)) for lots in packed_lots]

        recipe = rng.randrange(len(_RECIPES))
        previous: list[_Lot] = []
        outbound: list[_Lot] = []
        for tier, (count, topup) in enumerate(zip(tiers, at_processor, strict=True), start=1):
            rng.shuffle(previous)
            pool = previous + topup
            previous = []
            for t in range(count):
                inputs = pool[t * self.fan_in : (t + 1) * self.fan_in]
                when = max(lot.ready for lot in inputs) + self._hours(2, 12)
                final = tier == self.depth
                outputs = []
                for j in range(self.fan_out):
                    r = (recipe + j) % len(_RECIPES)
                    name = _RECIPES[r] if final else f"{_RECIPES[r]}, stage {tier}"
                    product = world.product(processor.cp, f"3{tier:03d}{r:02d}", name, sku=True)
                    qty = rng.randrange(1200, 6000, 12) if final else rng.randrange(200, 2000, 5)
                    outputs.append(
                        _Lot(self._lot(product, "B", when), qty, "EA" if final else "KGM", when)
                    )
                sell_by = when + rng.randint(7, 14) * _DAY
                self._transform(
                    when,
                    processor,
                    "creating_class_instance",
                    inputs,
                    outputs,
                    {
                        "cbvmda:sellByDate": iso_date(sell_by),
                        "cbvmda:itemExpirationDate": iso_date(sell_by + 2 * _DAY),
                    },
                )
                (outbound if final else previous).extend(outputs)
            # lots no tier-`tier` line had room for leave as finished goods
            outbound.extend(pool[count * self.fan_in :])
        outbound.extend(previous)

        at_dc = self._palletise(outbound, processor, dc, (6, 36))
        self._to_stores(at_dc, dc, shops)
        self.events.sort(key=lambda e: (e[0], e[1]))
        return self.events

    def _farm_to_packer(
        self, farms: list[_Facility], commodities: list[int], packer: _Facility, count: int
    ) -> list[_Lot]:
        """Harvest `count` farm lots, ship them to the packer and pack each into a case lot."""
        rng, world = self.rng, self.world
        packed: list[_Lot] = []
        for _ in range(count):
            k = rng.randrange(len(farms))
            farm, commodity = farms[k], commodities[k]
            name = _COMMODITIES[commodity]
            harvested = self.start + self._hours(0, 48)
            product = world.product(farm.cp, f"01{commodity:04d}", f"{name}, field run")
            kg = rng.randrange(800, 6000, 50)
            lot = _Lot(self._lot(product, "H", harvested), kg, "KGM", harvested)
            self._emit(
                harvested,
                farm,
                {
                    "type": "ObjectEvent",
                    "action": "ADD",
                    "quantityList": [{"epcClass": lot.id, "quantity": kg, "uom": "KGM"}],
                    "bizStep": "commissioning",
                    "disposition": "active",
                    "ilmd": {
                        "cbvmda:harvestStartDate": iso_date(harvested - _DAY),
                        "cbvmda:harvestEndDate": iso_date(harvested),
                    },
                },
            )
            arrival = self._ship([lot], None, farm, packer, harvested + self._hours(3, 20), (1, 8))
            when = arrival + self._hours(1, 10)
            case_product = world.product(packer.cp, f"02{commodity:04d}", f"{name}, case")
            cases = _Lot(self._lot(case_product, "P", when), kg // 10, "CS", when)
            self._transform(
                when,
                packer,
                "commissioning",
                [lot],
                [cases],
                {
                    "cbvmda:bestBeforeDate": iso_date(when + rng.randint(10, 21) * _DAY),
                },
            )
            packed.append(cases)
        return packed

    def _to_stores(self, lots: list[_Lot], dc: _Facility, shops: list[_Facility]) -> None:
        """Split the lots over store pallets, ship them and stock the shelves."""
        rng = self.rng
        per_store: list[list[_Lot]] = [[] for _ in shops]
        for lot in lots:
            chosen = sorted(rng.sample(range(len(shops)), rng.randint(1, min(3, len(shops)))))
            share = lot.qty // len(chosen)
            for s in chosen:
                per_store[s].append(_Lot(lot.id, share, lot.uom, lot.ready))
        for shop, shipment in zip(shops, per_store, strict=True):
            if not shipment:
                continue
            pallet = self._sscc(dc.cp)
            packed = max(lot.ready for lot in shipment) + self._hours(2, 10)
            self._aggregate("ADD", packed, dc, pallet, shipment)
            arrival = self._ship(
                None,
                [pallet],
                dc,
                shop,
                packed + self._hours(1, 4),
                (3, 14),
                "sellable_not_accessible",
            )
            unpacked = arrival + self._hours(0.3, 1.5)
            self._aggregate("DELETE", unpacked, shop, pallet, shipment)
            for lot in shipment:
                self._emit(
                    unpacked + self._hours(0.5, 4),
                    shop,
                    {
                        "type": "ObjectEvent",
                        "action": "OBSERVE",
                        "quantityList": [{"epcClass": lot.id, "quantity": lot.qty, "uom": lot.uom}],
                        "bizStep": "stocking",
                        "disposition": "sellable_accessible",
                        "sourceList": [{"type": "location", "source": dc.id}],
                        "destinationList": [{"type": "location", "destination": shop.id}],
                    },
                )


def _event_locations(event: dict[str, Any]) -> Iterator[str]:
    yield event["bizLocation"]["id"]
    for s in event.get("sourceList", ()):
        yield s["source"]
    for d in event.get("destinationList", ()):
        yield d["destination"]


def _event_products(event: dict[str, Any]) -> Iterator[str]:
    for key in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
        for q in event.get(key, ()):
            yield _product_of(q["epcClass"])


class _DocumentWriter:
    """Writes events into numbered EPCISDocument files with the master data each file uses."""

    def __init__(self, out: Path, world: _World, events_per_file: int) -> None:
        self.out = out
        self.world = world
        self.events_per_file = events_per_file
        self.files: list[str] = []
        self._events: list[bytes] = []
        self._locations: set[str] = set()
        self._products: set[str] = set()
        self._latest = ""

    def add(self, event: dict[str, Any]) -> None:
        self._events.append(orjson.dumps(event))
        self._locations.update(_event_locations(event))
        self._products.update(_event_products(event))
        self._latest = max(self._latest, event["eventTime"])
        if len(self._events) >= self.events_per_file:
            self.flush()

    def _vocabulary(self, vtype: str, ids: set[str], table: dict[str, dict[str, str]]) -> Any:
        return {
            "type": vtype,
            "vocabularyElementList": [
                {
                    "id": i,
                    "attributes": [
                        {"id": ATTRIBUTE_IDS[k], "attribute": v} for k, v in table[i].items()
                    ],
                }
                for i in sorted(ids)
            ],
        }

    def flush(self) -> None:
        if not self._events:
            return
        head = orjson.dumps(
            {
                "@context": [EPCIS_CONTEXT],
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": self._latest,
                "epcisHeader": {
                    "epcisMasterData": {
                        "vocabularyList": [
                            self._vocabulary(VTYPE_LOCATION, self._locations, self.world.locations),
                            self._vocabulary(VTYPE_EPC_CLASS, self._products, self.world.products),
                        ]
                    }
                },
            }
        )
        name = f"events-{len(self.files):05d}.jsonld"
        with (self.out / name).open("wb") as fh:
            fh.write(head[:-1])
            fh.write(b',"epcisBody":{"eventList":[\n')
            fh.write(b",\n".join(self._events))
            fh.write(b"\n]}}\n")
        self.files.append(name)
        self._events = []
        self._locations = set()
        self._products = set()
        self._latest = ""


def _write_truth(lineage: Lineage, fh: IO[bytes]) -> int:
    instances = lineage.instances()
    for instance in instances:
        descendants = lineage.descendants(instance)
        line = {
            "id": instance,
            "events": sorted(lineage.events_of(instance)),
            "ancestors": sorted(lineage.ancestors(instance)),
            "descendants": sorted(descendants),
            "carriers": sorted(lineage.carriers(instance, descendants)),
        }
        fh.write(orjson.dumps(line))
        fh.write(b"\n")
    return len(instances)


def generate(
    events: int,
    seed: int,
    out: Path,
    *,
    fan_in: int = 3,
    fan_out: int = 2,
    depth: int = 3,
    events_per_file: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> GenerateSummary:
    """Write `events` synthetic EPCIS events from `seed` into `out`, with truth and manifest."""
    if events < 0:
        raise ValueError("events must be >= 0")
    if fan_in < 1 or fan_out < 1 or depth < 1 or depth > 999:
        raise ValueError("fan_in and fan_out must be >= 1 and depth between 1 and 999")
    if events_per_file < 1:
        raise ValueError("events_per_file must be >= 1")
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("events-*.jsonld"):
        stale.unlink()
    rng = random.Random(seed)
    world = _World(rng)
    counters = {"lot": 0, "sscc": 0, "po": 0, "desadv": 0}
    writer = _DocumentWriter(out, world, events_per_file)
    written = networks = instances = 0
    with (out / TRUTH_NAME).open("wb") as truth:
        while written < events:
            start = _BASE_TIME + networks * _NETWORK_STAGGER + rng.randrange(_NETWORK_STAGGER)
            network = _Network(rng, world, counters, start, fan_in, fan_out, depth)
            built = network.build()[: events - written]
            lineage = Lineage()
            for when, _, event in built:
                event["eventTime"] = iso_utc(when)
                lineage.add_event(event)
                writer.add(event)
            instances += _write_truth(lineage, truth)
            written += len(built)
            networks += 1
            if progress is not None:
                progress(written)
    writer.flush()
    manifest = {
        "events": written,
        "files": writer.files,
        "seed": seed,
        "parameters": {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "depth": depth,
            "events_per_file": events_per_file,
        },
        "networks": networks,
        "instances": instances,
    }
    (out / MANIFEST_NAME).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return GenerateSummary(written, len(writer.files), networks, instances, seed, out)


def load_truth(path: Path) -> dict[str, InstanceTruth]:
    """Read truth.jsonl (or the folder holding it) into a dict keyed by instance ID."""
    if path.is_dir():
        path = path / TRUTH_NAME
    truth: dict[str, InstanceTruth] = {}
    with path.open("rb") as fh:
        for line in fh:
            row = orjson.loads(line)
            truth[row["id"]] = InstanceTruth(
                tuple(row["events"]),
                tuple(row["ancestors"]),
                tuple(row["descendants"]),
                tuple(row["carriers"]),
            )
    return truth


def truth_trace(
    truth: dict[str, InstanceTruth], instance_id: str, direction: Direction = "both"
) -> TraceTruth:
    """Reassemble the expected trace of one instance from loaded truth."""
    row = truth[instance_id]
    instances = {instance_id}
    if direction in ("upstream", "both"):
        instances.update(row.ancestors)
    if direction in ("downstream", "both"):
        instances.update(row.descendants)
        instances.update(row.carriers)
    events: set[str] = set()
    for instance in instances:
        events.update(truth[instance].events)
    return TraceTruth(frozenset(instances), frozenset(events))
