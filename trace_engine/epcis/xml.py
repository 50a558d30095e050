# Long on purpose: one job (EPCIS XML 2.0/1.2 → JSON-LD dicts), per element kind.
"""EPCIS 2.0 XML (`urn:epcglobal:epcis:xsd:2`) and 1.2 XML (`…:xsd:1`) → `ParsedDocument`.

Each XML event is converted into its EPCIS 2.0 JSON-LD dict (the shape the standard's JSON
examples have: CBV URNs written as bare words, quantities and sensor values as numbers,
repeated elements as lists) and then goes through the same `normalise_event` as JSON.

- EPCIS 1.2: the `<extension>` / `<baseExtension>` wrappers (quantityList, source/destination,
  ilmd, eventID, errorDeclaration, TransformationEvent in `EventList/extension`) are unwrapped.
- User extensions: a namespaced element becomes a `"prefix:local"` key (repeated → list, with
  children → object, leaf → text; `xsi:type` hints are dropped, other attributes become
  `"prefix:name"` keys next to a `"#text"`), and the prefix is added to the document's
  `@context`. A default-namespace extension gets a generated prefix `ns1`, `ns2`, ….
- Documents: `EPCISDocument`, `EPCISQueryDocument` (events in QueryResults/resultsBody) and
  `EPCISMasterDataDocument` (master data only: no events). Anything else, e.g. an
  `EPCISCaptureJob`, is `InvalidDocument`.

Streaming: `iter_xml_events(path_or_file, namespaces)` yields `(index, event dict)` with
`lxml.etree.iterparse`, clearing each event once converted; the `namespaces` dict you pass is
filled with the extension prefixes seen so far, pass `[namespaces]` as the `context` of
`normalise_event`. `read_xml_header(path_or_file)` reads the master data (it stops at the body).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from lxml import etree

from trace_engine.epcis.jsonld import parse_json_document
from trace_engine.epcis.masterdata import read_vocabularies
from trace_engine.epcis.model import EVENT_TYPES, ParsedDocument, Rejected
from trace_engine.epcis.normalise import bare_cbv, gs1_term, namespaces_from_context, time_20
from trace_engine.epcis.validation import measurement_types
from trace_engine.epcis.xsd import (
    EPCIS_NAMESPACES,
    VERSION_OF,
    XsdProblem,
    global_elements,
    schema_for,
    unqualify,
    xsd_problems,
)
from trace_engine.errors import InvalidDocument

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_EPCIS_NAMESPACES = EPCIS_NAMESPACES
_EPCIS_2 = "urn:epcglobal:epcis:xsd:2"
_EPCIS_1 = "urn:epcglobal:epcis:xsd:1"
_DOCUMENTS = ("EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument")
_WRAPPERS = ("extension", "baseExtension")
_EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_BARE_SENSOR_WORDS = measurement_types() | {"ALARM_CONDITION", "ERROR_CONDITION"}
_NUMBERS = ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
    )


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(el: Any) -> str | None:
    tag = el.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else None


def _text(el: Any) -> str:
    return (el.text or "").strip()


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text  # left as text so validation names the field


# namespaces the EPCIS 2.0 JSON-LD context already names (it is `@protected`, so a document
# must not bind these prefixes again): their elements get the context's prefix and nothing is
# added to @context. CBV master-data attributes are `urn:epcglobal:cbv:mda` in XML (1.2 and
# 2.0) and `cbvmda:` (= `urn:epcglobal:cbv:mda:`) in JSON-LD
STANDARD_PREFIXES = {
    "urn:epcglobal:cbv:mda": "cbvmda",
    "urn:epcglobal:cbv:mda:": "cbvmda",
    "https://gs1.org/voc/": "gs1",
    "https://ref.gs1.org/cbv/": "cbv",
    "https://ref.gs1.org/epcis/": "epcis",
}
_RESERVED_PREFIXES = frozenset(
    {"epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms", "id", "type"}
)


class _Converter:
    """Converts event and vocabulary elements, recording the extension namespaces it meets."""

    def __init__(self, namespaces: dict[str, str] | None = None, version: str = "2.0") -> None:
        self.version = version
        self.namespaces: dict[str, str] = {} if namespaces is None else namespaces
        self._prefix_of: dict[str, str] = {
            **STANDARD_PREFIXES,
            **{uri: p for p, uri in self.namespaces.items()},
        }

    def key(self, qname: str, nsmap: dict[str | None, str]) -> str:
        """`{uri}local` → `prefix:local`, registering the prefix."""
        if not qname.startswith("{"):
            return qname
        uri, _, local = qname[1:].partition("}")
        prefix = self._prefix_of.get(uri)
        if prefix is None:
            prefix = next((p for p, u in nsmap.items() if u == uri and p), None)
            if prefix is None or prefix in self.namespaces or prefix in _RESERVED_PREFIXES:
                prefix = f"ns{len(self.namespaces) + 1}"
            self.namespaces[prefix] = uri
            self._prefix_of[uri] = prefix
        return f"{prefix}:{local}"

    def value(self, el: Any) -> Any:
        """A user extension element → text, or an object of its children and attributes."""
        attrs = {
            self.key(name, el.nsmap): val
            for name, val in el.attrib.items()
            if name != f"{{{XSI}}}type"
        }
        children = [c for c in el if isinstance(c.tag, str)]
        if not children:
            return {**attrs, "#text": _text(el)} if attrs else _text(el)
        out: dict[str, Any] = dict(attrs)
        for child in children:
            _add(out, self.key(child.tag, child.nsmap), self.value(child))
        return out

    def event(self, el: Any) -> dict[str, Any]:
        """An XML event element → its EPCIS 2.0 JSON-LD dict."""
        local = _local(el)
        event: dict[str, Any] = {
            "type": local if _namespace(el) is None else self.key(el.tag, el.nsmap)
        }
        for child in _unwrapped(el):
            if _namespace(child) is not None:
                _add(event, self.key(child.tag, child.nsmap), self.value(child))
                continue
            name = _local(child)
            if name in _EPC_LISTS:
                event[name] = [_text(e) for e in child if isinstance(e.tag, str)]
            elif name in _QUANTITY_LISTS:
                event[name] = [self.quantity(q) for q in child if isinstance(q.tag, str)]
            elif name in ("readPoint", "bizLocation"):
                event[name] = self.location(child)
            elif name == "bizTransactionList":
                event[name] = [self.typed(t, "bizTransaction", "btt") for t in _elements(child)]
            elif name == "sourceList":
                event[name] = [self.typed(t, "source", "sdt") for t in _elements(child)]
            elif name == "destinationList":
                event[name] = [self.typed(t, "destination", "sdt") for t in _elements(child)]
            elif name == "sensorElementList":
                event[name] = [self.sensor_element(s) for s in _elements(child)]
            elif name == "persistentDisposition":
                disp: dict[str, list[str]] = {}
                for item in _elements(child):
                    disp.setdefault(_local(item), []).append(bare_cbv(_text(item), "disp"))
                event[name] = disp
            elif name == "ilmd":
                ilmd: dict[str, Any] = {}
                for item in _unwrapped(child):
                    _add(ilmd, self.key(item.tag, item.nsmap), self.value(item))
                event[name] = ilmd
            elif name == "errorDeclaration":
                event[name] = self.error_declaration(child)
            elif name == "bizStep":
                event[name] = bare_cbv(_text(child), "bizstep")
            elif name == "disposition":
                event[name] = bare_cbv(_text(child), "disp")
            else:
                event[name] = _text(child)
        if self.version == "1.2":
            self.times_20(event)
        return event

    @staticmethod
    def times_20(event: dict[str, Any]) -> None:
        """1.2's xsd:dateTime values → the RFC 3339 form of EPCIS 2.0 JSON-LD (same instant)."""
        offset = event.get("eventTimeZoneOffset")
        for name in ("eventTime", "recordTime"):
            if isinstance(event.get(name), str):
                event[name] = time_20(event[name], offset)
        declaration = event.get("errorDeclaration")
        if isinstance(declaration, dict) and isinstance(declaration.get("declarationTime"), str):
            declaration["declarationTime"] = time_20(declaration["declarationTime"], offset)

    def quantity(self, el: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in _unwrapped(el):
            name = _local(child)
            if name == "quantity":
                if child.get(f"{{{XSI}}}nil") in ("true", "1"):
                    continue  # an unknown quantity: JSON leaves it out
                out[name] = _number(_text(child))
            else:
                out[name] = _text(child)
        return out

    def location(self, el: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in _unwrapped(el):
            if _namespace(child) is None:
                out[_local(child)] = _text(child)
            else:
                _add(out, self.key(child.tag, child.nsmap), self.value(child))
        return out

    def typed(self, el: Any, value_key: str, kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if el.get("type"):
            out["type"] = bare_cbv(el.get("type"), kind)
        out[value_key] = _text(el)
        return out

    def error_declaration(self, el: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in _unwrapped(el):
            name = _local(child)
            if _namespace(child) is not None:
                _add(out, self.key(child.tag, child.nsmap), self.value(child))
            elif name == "correctiveEventIDs":
                out[name] = [_text(c) for c in _elements(child)]
            elif name == "reason":
                out[name] = bare_cbv(_text(child), "er")
            else:
                out[name] = _text(child)
        return out

    def sensor_element(self, el: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for child in _unwrapped(el):
            name = _local(child)
            if _namespace(child) is not None:
                _add(out, self.key(child.tag, child.nsmap), self.value(child))
            elif name == "sensorMetadata":
                out[name] = self.attributes(child)
            elif name == "sensorReport":
                out.setdefault(name, []).append(self.sensor_report(child))
            else:
                out[name] = self.value(child)
        return out

    def attributes(self, el: Any) -> dict[str, Any]:
        return {self.key(name, el.nsmap): val for name, val in el.attrib.items()}

    def sensor_report(self, el: Any) -> dict[str, Any]:
        out = self.attributes(el)
        for name in _NUMBERS:
            if name in out:
                out[name] = _number(out[name])
        if "booleanValue" in out and out["booleanValue"] in ("true", "false", "1", "0"):
            out["booleanValue"] = out["booleanValue"] in ("true", "1")
        for name in ("type", "exception"):
            term = gs1_term(out.get(name))
            if term in _BARE_SENSOR_WORDS:
                out[name] = term  # the bare word JSON uses
        return out

    def vocabularies(self, vocabulary_list: Any) -> list[dict[str, Any]]:
        """An XML VocabularyList → the JSON `vocabularyList`."""
        out = []
        for vocabulary in _elements(vocabulary_list):
            elements = []
            for element_list in _elements(vocabulary):
                for element in _elements(element_list):
                    attributes = []
                    children: list[str] = []
                    for child in _unwrapped(element):
                        if _local(child) == "attribute":
                            value: Any = (
                                self.value(child)
                                if any(isinstance(c.tag, str) for c in child)
                                else _text(child)
                            )
                            attributes.append({"id": child.get("id"), "attribute": value})
                        elif _local(child) == "children":
                            children.extend(_text(c) for c in _elements(child))
                    item: dict[str, Any] = {"id": element.get("id"), "attributes": attributes}
                    if children:
                        item["children"] = children
                    elements.append(item)
            out.append({"type": vocabulary.get("type"), "vocabularyElementList": elements})
        return out

    def context(self) -> list[Any]:
        return [EPCIS_CONTEXT, *({p: u} for p, u in self.namespaces.items())]


def _elements(el: Any) -> Iterator[Any]:
    return (c for c in el if isinstance(c.tag, str))


def _unwrapped(el: Any) -> Iterator[Any]:
    """Children, with EPCIS 1.x `<extension>` / `<baseExtension>` wrappers opened."""
    for child in _elements(el):
        if _namespace(child) is None and _local(child) in _WRAPPERS:
            yield from _unwrapped(child)
        else:
            yield child


def _add(target: dict[str, Any], key: str, value: Any) -> None:
    if key in target:
        previous = target[key]
        target[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    else:
        target[key] = value


def _check_root(root: Any) -> str:
    name = _local(root)
    if _namespace(root) not in _EPCIS_NAMESPACES or name not in _DOCUMENTS:
        raise InvalidDocument(
            f"not an EPCIS document: root element {root.tag!r}; expected EPCISDocument, "
            "EPCISQueryDocument or EPCISMasterDataDocument"
        )
    return name


def _find(root: Any, local: str) -> Any:
    for el in root.iter():
        if _local(el) == local:
            return el
    return None


def _event_elements(event_list: Any) -> Iterator[Any]:
    yield from _unwrapped(event_list)


# `<!DOCTYPE name>` and nothing else: declares nothing (GS1's own examples carry one)
_BARE_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\s>\[]+\s*>")


def _refuse_doctype(tree: Any, data: bytes | None) -> None:
    """Refuse a DOCTYPE that declares anything (entities, elements, attributes, a DTD file).

    Its entities are how XML parsers are attacked (billion laughs, external entities), and an
    EPCIS document needs no DTD. A bare `<!DOCTYPE name>` declares nothing and is accepted.
    Streamed (no `data`), the DTD's entity and element declarations are looked at instead
    (attribute defaults are never applied by our parsers).
    """
    info = tree.docinfo
    if not info.doctype:
        return
    declared = info.system_url is not None or info.public_id is not None
    if data is None:
        dtd = info.internalDTD
        if not declared and (
            dtd is None or not (list(dtd.iterentities()) or list(dtd.iterelements()))
        ):
            return
    else:
        text = data.decode(info.encoding or "utf-8", errors="replace")
        if not declared and _BARE_DOCTYPE.match(text, text.find("<!DOCTYPE")):
            return
    raise InvalidDocument(
        "XML with a DOCTYPE that declares entities, elements, attributes or an external DTD "
        "is refused: an EPCIS document needs no DTD, and DTD entities are a way to attack "
        "XML parsers (send the document without its <!DOCTYPE …>)"
    )


def _read_tree(data: bytes) -> Any:
    """The root element of `data`, parsed safely; DOCTYPEs refused."""
    if not data or not data.strip():
        raise InvalidDocument("empty body: expected an EPCIS XML document")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(f"body is not well-formed XML: {exc}") from None
    _refuse_doctype(root.getroottree(), data)
    return root


def _is_bare_event(root: Any) -> bool:
    namespace = _namespace(root)
    return _local(root) in EVENT_TYPES and (namespace is None or namespace in _EPCIS_NAMESPACES)


def _wrapped(event: Any, namespace: str) -> Any:
    """A bare event (`<ObjectEvent>` as the root) inside an EPCISDocument of `namespace`."""
    document = etree.Element(
        f"{{{namespace}}}EPCISDocument",
        nsmap={"epcis": namespace},
        schemaVersion=VERSION_OF[namespace],
        creationDate=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    )
    event_list = etree.SubElement(etree.SubElement(document, "EPCISBody"), "EventList")
    event_list.append(event)
    return document


def _event_id_of(el: Any) -> str | None:
    for child in _unwrapped(el):
        if _local(child) == "eventID" and _namespace(child) is None:
            return _text(child) or None
    return None


def _validated(root: Any) -> tuple[Any, list[Any], dict[int, Rejected]]:
    """Validate a document against its version's XSD.

    Returns the (possibly wrapped) root, its event elements, and the events the schema
    refuses as `Rejected`s; a schema error outside any event is `InvalidDocument`.
    """
    if _is_bare_event(root):
        given = _namespace(root)
        if given is not None:
            return _validated(_wrapped(root, given))
        # an unqualified event says nothing of its version: 2.0, else 1.2 if that fits it
        as_2 = _validated(_wrapped(copy.deepcopy(root), _EPCIS_2))
        if not as_2[2]:
            return as_2
        as_1 = _validated(_wrapped(root, _EPCIS_1))
        return as_2 if as_1[2] else as_1
    _check_root(root)
    unqualify(root)
    version = VERSION_OF[_namespace(root) or ""]
    body = next((c for c in _elements(root) if _local(c) == "EPCISBody"), None)
    event_list = _find(body, "EventList") if body is not None else None
    elements = list(_event_elements(event_list)) if event_list is not None else []
    problems = xsd_problems(root.getroottree(), schema_for(version), elements)
    outside = [p for p in problems if p.index is None]
    if outside:
        listed = "; ".join(f"{p.field}: {p.reason}" for p in outside[:5])
        raise InvalidDocument(f"not a valid EPCIS {version} XML document: {listed}")
    rejected: dict[int, Rejected] = {}
    for problem in problems:
        assert problem.index is not None
        if problem.index not in rejected:
            element = elements[problem.index]
            rejected[problem.index] = Rejected(
                problem.index, _event_id_of(element), problem.field, problem.reason
            )
    return root, elements, rejected


def parse_xml(data: bytes) -> ParsedDocument:
    """Parse an EPCIS 2.0 or 1.2 XML document (or one bare event) into events and master data.

    The document is validated against its version's XSD first: an event the schema refuses
    is a `Rejected` naming its index and element; the others are converted and normalised.
    """
    root, elements, rejected = _validated(_read_tree(data))
    converter = _Converter(version=VERSION_OF[_namespace(root) or ""])
    events: list[Any] = [
        None if i in rejected else converter.event(el) for i, el in enumerate(elements)
    ]
    header = next((c for c in _elements(root) if _local(c) == "EPCISHeader"), None)
    body = next((c for c in _elements(root) if _local(c) == "EPCISBody"), None)
    vocabularies: list[dict[str, Any]] = []
    for section in (header, body):
        found = _find(section, "VocabularyList") if section is not None else None
        if found is not None:
            vocabularies.extend(converter.vocabularies(found))
    document = {
        "@context": converter.context(),
        "type": "EPCISDocument",
        "epcisHeader": {"epcisMasterData": {"vocabularyList": vocabularies}},
        "epcisBody": {"eventList": events},
    }
    return parse_json_document(document, rejected)


def xml_to_json_events(data: bytes) -> tuple[list[Any], list[dict[str, Any]]]:
    """The events of an XML document as EPCIS 2.0 JSON-LD dicts, and the document's @context.

    No schema validation: this is the converter alone (tests compare it with GS1's XSLT).
    """
    root = _read_tree(data)
    if _is_bare_event(root):
        root = _wrapped(root, _namespace(root) or _EPCIS_2)
    _check_root(root)
    unqualify(root)
    converter = _Converter(version=VERSION_OF[_namespace(root) or ""])
    event_list = _find(root, "EventList")
    events = [] if event_list is None else [converter.event(e) for e in _event_elements(event_list)]
    return converter.context(), events


def _source(path_or_file: str | bytes | IO[bytes] | Any) -> Any:
    return str(path_or_file) if hasattr(path_or_file, "__fspath__") else path_or_file


class _StreamBatch:
    """Streamed events validated together: one XSD validation per `SIZE` events.

    Each event is moved (when it has been parsed) into a minimal document of the streamed
    one's version, inside the same 1.2 `<extension>` wrappers it was in and under the
    namespace declarations in scope at the EventList (QName values such as
    `xsi:type="xsd:integer"` need them). Memory stays bounded by the batch.
    """

    SIZE = 256

    def __init__(self, root_tag: str, nsmap: dict[str | None, str]) -> None:
        self.namespace = root_tag[1:].partition("}")[0]
        self.nsmap = {prefix: uri for prefix, uri in nsmap.items() if prefix is not None}
        self.schema = schema_for(VERSION_OF[self.namespace])
        self.events: list[tuple[int, Any]] = []
        self._new()

    def _new(self) -> None:
        self.document = etree.Element(
            f"{{{self.namespace}}}EPCISDocument",
            nsmap=self.nsmap,
            schemaVersion=VERSION_OF[self.namespace],
            creationDate="2000-01-01T00:00:00Z",
        )
        body = etree.SubElement(self.document, "EPCISBody")
        self.event_list = etree.SubElement(body, "EventList")
        self.events = []

    def add(self, index: int, event: Any, wrappers: list[str]) -> bool:
        """Take the event; True when the batch is full."""
        holder = self.event_list
        for name in wrappers:
            holder = etree.SubElement(holder, name)
        holder.append(event)
        self.events.append((index, event))
        return len(self.events) >= self.SIZE

    def drain(self, converter: _Converter) -> Iterator[tuple[int, dict[str, Any] | Rejected]]:
        """Validate the batch; each event converted, or its `Rejected`."""
        elements = [event for _, event in self.events]
        problems = xsd_problems(self.document.getroottree(), self.schema, elements)
        outside = [problem for problem in problems if problem.index is None]
        if outside:
            raise InvalidDocument(f"{outside[0].field}: {outside[0].reason}")
        first: dict[int, XsdProblem] = {}
        for problem in problems:
            first.setdefault(problem.index or 0, problem)
        for position, (index, event) in enumerate(self.events):
            found = first.get(position)
            if found is None:
                yield index, converter.event(event)
            else:
                yield index, Rejected(index, _event_id_of(event), found.field, found.reason)
        self._new()


def iter_xml_events(
    path_or_file: Any, namespaces: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, Any] | Rejected]]:
    """Stream `(index, event dict)` from an EPCIS XML file with bounded memory.

    Events are validated against their version's XSD in batches of `_StreamBatch.SIZE` (the
    document around the events is not): an event the schema refuses comes as a `Rejected`
    instead of a dict.
    """
    converter = _Converter(namespaces)
    globals_of = global_elements()
    root_tag = ""
    list_nsmap: dict[str | None, str] = {}
    batch: _StreamBatch | None = None
    depth_of_list: int | None = None
    depth = 0
    index = 0
    try:
        for action, el in etree.iterparse(
            _source(path_or_file),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
        ):
            if action == "start":
                depth += 1
                if not root_tag:
                    _refuse_doctype(el.getroottree(), None)
                    _check_root(el)
                    root_tag = el.tag
                    converter.version = VERSION_OF[_namespace(el) or ""]
                    continue
                namespace = _namespace(el)
                if namespace in _EPCIS_NAMESPACES and _local(el) not in globals_of[namespace]:
                    el.tag = _local(el)  # as `unqualify` does for a whole document
                if _local(el) == "EventList" and depth_of_list is None:
                    depth_of_list = depth
                    list_nsmap = dict(el.nsmap)
                continue
            depth -= 1
            if depth_of_list is None:
                continue
            if depth == depth_of_list - 1:
                depth_of_list = None  # the EventList itself ended
                continue
            is_wrapper = _namespace(el) is None and _local(el) in _WRAPPERS
            if depth_of_list <= depth <= depth_of_list + 2 and not is_wrapper:
                parent = el.getparent()
                wrappers: list[str] = []
                holder = parent
                while holder is not None and _local(holder) in _WRAPPERS:
                    wrappers.insert(0, _local(holder))
                    holder = holder.getparent()
                if holder is None or _local(holder) != "EventList":
                    continue
                while el.getprevious() is not None:
                    del parent[0]  # wrappers the batch's events were taken out of
                if batch is None:
                    batch = _StreamBatch(root_tag, list_nsmap)
                if batch.add(index, el, wrappers):
                    yield from batch.drain(converter)
                index += 1
        if batch is not None and batch.events:
            yield from batch.drain(converter)
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(f"body is not well-formed XML: {exc}") from None


def read_xml_header(path_or_file: Any) -> tuple[list[Any], ParsedDocument]:
    """The @context and master data of an EPCIS XML file (header, or body of a master-data doc)."""
    converter = _Converter()
    vocabularies: list[dict[str, Any]] = []
    checked = False
    try:
        for _action, el in etree.iterparse(
            _source(path_or_file),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
        ):
            if not checked:
                _refuse_doctype(el.getroottree(), None)
                checked = True
            name = _local(el)
            if name == "VocabularyList":
                vocabularies.extend(converter.vocabularies(el))
                el.clear()
            elif name in EVENT_TYPES or name == "EventList":
                break  # master data never follows the events
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(f"body is not well-formed XML: {exc}") from None
    context = converter.context()
    facilities, products, ignored = read_vocabularies(
        vocabularies, namespaces_from_context(context)
    )
    return context, ParsedDocument(
        items=[], facilities=facilities, products=products, ignored_master_data=ignored
    )
