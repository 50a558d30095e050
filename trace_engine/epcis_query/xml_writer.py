"""Stored events → the EPCIS 2.0 XML `EPCISQueryDocument` (pure, lxml).

The inverse of `trace_engine.epcis.xml`: each JSON-LD event becomes its XML element with the
children in the order of GS1's XSD (`EPCglobal-epcis-2_0.xsd`), CBV values as URNs (or GS1
web URIs with `GS1-CBV-XML-Format: Always_Web_URI`), user extensions as elements in their
declared namespaces, sensor reports as attributes.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from trace_engine.epcis.normalise import CBV_WEB, VOCABULARIES, expand_cbv
from trace_engine.epcis.validation import measurement_types
from trace_engine.epcis_query.output import event_of, namespaces_of, now_utc
from trace_engine.epcis_query.schemas import CbvFormat, EpcFormat, StoredEvent

EPCIS_NS = "urn:epcglobal:epcis:xsd:2"
QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
GS1_VOC = "https://gs1.org/voc/"
# prefixes the EPCIS 2.0 JSON-LD context itself defines
STANDARD_PREFIXES = {
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": GS1_VOC,
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": CBV_WEB,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_BARE_SENSOR_WORDS = measurement_types() | {"ALARM_CONDITION", "ERROR_CONDITION"}

_COMMON = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
)
_ORDER = {
    "ObjectEvent": (
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AggregationEvent": (
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransactionEvent": (
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransformationEvent": (
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AssociationEvent": (
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
}
_WEB_NAMES = {kind: web for kind, (_, web) in VOCABULARIES.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


class _Writer:
    def __init__(self, namespaces: dict[str, str], cbv: CbvFormat) -> None:
        self.namespaces = {**STANDARD_PREFIXES, **namespaces}
        self.cbv = cbv

    def cbv_value(self, value: Any, kind: str) -> str:
        urn = expand_cbv(str(value), kind)
        prefix = VOCABULARIES[kind][0]
        if self.cbv is CbvFormat.WEB_URI and urn.startswith(prefix):
            return CBV_WEB + _WEB_NAMES[kind] + urn[len(prefix) :]
        return urn

    def qname(self, key: str) -> str | None:
        """`prefix:local` → `{namespace}local`; None when the prefix is unknown."""
        prefix, sep, local = key.partition(":")
        if not sep or prefix not in self.namespaces or not local:
            return None
        return f"{{{self.namespaces[prefix]}}}{local}"

    def extension(self, parent: Any, key: str, value: Any, nested: bool = False) -> None:
        """A user extension: objects become child elements; an object with `#text` is a
        leaf whose other keys are its attributes (as `trace_engine.epcis.xml` reads them).
        Inside an extension, a key without a prefix is an element in no namespace."""
        tag = self.qname(key)
        if tag is None and nested and ":" not in key and key and not key.startswith("@"):
            tag = key
        if tag is None:
            return
        for item in value if isinstance(value, list) else [value]:
            el = etree.SubElement(parent, tag)
            if not isinstance(item, dict):
                el.text = _text(item)
            elif "#text" in item:
                el.text = _text(item["#text"])
                for name, child in item.items():
                    attribute = self.qname(name) if ":" in name else name
                    if attribute and name != "#text" and not isinstance(child, dict | list):
                        el.set(attribute, _text(child))
            else:
                for name, child in item.items():
                    self.extension(el, name, child, nested=True)

    def event(self, parent: Any, event: dict[str, Any]) -> None:
        kind = event.get("type", "")
        tag = kind if kind in _ORDER else self.qname(kind)
        if tag is None:
            return
        el = etree.SubElement(parent, tag)
        known = set(_COMMON) | set(_ORDER.get(kind, ())) | {"type", "@context"}
        for name in (*_COMMON, *_ORDER.get(kind, ())):
            if name in event:
                self.field(el, name, event[name])
        for name, value in event.items():
            if name not in known:
                self.extension(el, name, value)

    def field(self, el: Any, name: str, value: Any) -> None:
        if name in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
            box = etree.SubElement(el, name)
            for epc in value:
                etree.SubElement(box, "epc").text = epc
        elif name.endswith("uantityList"):
            box = etree.SubElement(el, name)
            for q in value:
                element = etree.SubElement(box, "quantityElement")
                for part in ("epcClass", "quantity", "uom"):
                    if part in q:
                        etree.SubElement(element, part).text = _text(q[part])
        elif name in ("readPoint", "bizLocation"):
            box = etree.SubElement(el, name)
            etree.SubElement(box, "id").text = value.get("id", "")
            for key, child in value.items():
                if key != "id":
                    self.extension(box, key, child)
        elif name == "bizTransactionList":
            self.typed(el, name, "bizTransaction", "bizTransaction", value, "btt")
        elif name == "sourceList":
            self.typed(el, name, "source", "source", value, "sdt")
        elif name == "destinationList":
            self.typed(el, name, "destination", "destination", value, "sdt")
        elif name == "bizStep":
            etree.SubElement(el, name).text = self.cbv_value(value, "bizstep")
        elif name == "disposition":
            etree.SubElement(el, name).text = self.cbv_value(value, "disp")
        elif name == "persistentDisposition":
            box = etree.SubElement(el, name)
            for part in ("unset", "set"):
                for item in value.get(part) or []:
                    etree.SubElement(box, part).text = self.cbv_value(item, "disp")
        elif name == "ilmd":
            box = etree.SubElement(el, name)
            for key, child in value.items():
                self.extension(box, key, child)
        elif name == "errorDeclaration":
            box = etree.SubElement(el, name)
            if "declarationTime" in value:
                etree.SubElement(box, "declarationTime").text = value["declarationTime"]
            if "reason" in value:
                etree.SubElement(box, "reason").text = self.cbv_value(value["reason"], "er")
            if value.get("correctiveEventIDs"):
                ids = etree.SubElement(box, "correctiveEventIDs")
                for item in value["correctiveEventIDs"]:
                    etree.SubElement(ids, "correctiveEventID").text = item
            for key, child in value.items():
                if key not in ("declarationTime", "reason", "correctiveEventIDs"):
                    self.extension(box, key, child)
        elif name == "sensorElementList":
            box = etree.SubElement(el, name)
            for element in value:
                self.sensor_element(box, element)
        elif name == "certificationInfo":
            for item in value if isinstance(value, list) else [value]:
                etree.SubElement(el, name).text = _text(item)
        else:
            etree.SubElement(el, name).text = _text(value)

    def typed(self, el: Any, name: str, item_name: str, key: str, value: Any, kind: str) -> None:
        box = etree.SubElement(el, name)
        for item in value:
            child = etree.SubElement(box, item_name)
            if item.get("type"):
                child.set("type", self.cbv_value(item["type"], kind))
            child.text = _text(item.get(key, ""))

    def attributes(self, el: Any, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if isinstance(value, dict | list):
                continue
            text = _text(value)
            if (
                name in ("type", "exception")
                and isinstance(value, str)
                and (value in _BARE_SENSOR_WORDS)
            ):
                text = "gs1:" + value
            if ":" in name:
                tag = self.qname(name)
                if tag is not None:
                    el.set(tag, text)
            else:
                el.set(name, text)

    def sensor_element(self, parent: Any, element: dict[str, Any]) -> None:
        el = etree.SubElement(parent, "sensorElement")
        if "sensorMetadata" in element:
            self.attributes(etree.SubElement(el, "sensorMetadata"), element["sensorMetadata"])
        for report in element.get("sensorReport") or []:
            self.attributes(etree.SubElement(el, "sensorReport"), report)
        for key, child in element.items():
            if key not in ("sensorMetadata", "sensorReport"):
                self.extension(el, key, child)


def query_document_xml(
    events: list[StoredEvent],
    fmt: EpcFormat,
    cbv: CbvFormat = CbvFormat.NO_PREFERENCE,
    query_name: str = "SimpleEventQuery",
) -> bytes:
    """The EPCIS 2.0 XML EPCISQueryDocument holding `events`, in order."""
    namespaces: dict[str, str] = {}
    for stored in events:
        for prefix, iri in namespaces_of(stored).items():
            namespaces.setdefault(prefix, iri)
    nsmap = {
        "epcisq": QUERY_NS,
        "epcis": EPCIS_NS,
        "gs1": GS1_VOC,
        "cbvmda": STANDARD_PREFIXES["cbvmda"],
    }
    for prefix, iri in namespaces.items():
        if prefix not in nsmap and iri not in nsmap.values():
            nsmap[prefix] = iri
    root = etree.Element(f"{{{QUERY_NS}}}EPCISQueryDocument", nsmap=nsmap)
    root.set("schemaVersion", "2.0")
    root.set("creationDate", now_utc())
    body = etree.SubElement(root, "EPCISBody")
    results = etree.SubElement(body, f"{{{QUERY_NS}}}QueryResults")
    etree.SubElement(results, "queryName").text = query_name
    event_list = etree.SubElement(etree.SubElement(results, "resultsBody"), "EventList")
    for stored in events:
        # an event's own prefixes win over another event's use of the same prefix
        writer = _Writer({**namespaces, **namespaces_of(stored)}, cbv)
        writer.event(event_list, event_of(stored, fmt))
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return result
