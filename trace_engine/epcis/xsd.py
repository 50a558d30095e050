"""EPCIS XML checked against GS1's own XML schemas (EPCIS 2.0 and 1.2) before conversion.

The schemas are vendored unchanged in `schema/xsd/2.0/` and `schema/xsd/1.2/` (GS1, see the
`LICENSE` there) and read as package data through `importlib.resources`, so an installed
package needs nothing else: an lxml `Resolver` serves every `xsd:import` / `xsd:include` from
the package. Each version is compiled once (`schema_for`), as a small bundle that imports the
core, query and master-data schemas, so one `XMLSchema` validates any EPCIS root element.

Namespaces are matched by URI, never by prefix. The schemas declare the elements inside an
event as unqualified (`elementFormDefault="unqualified"`); documents written with the EPCIS
namespace as their default namespace, or with `epcis:` on every element, mean the same thing,
so `unqualify` strips the EPCIS namespaces from every element that is not one of the schema's
global elements before validation (see docs/conformance.md).

`xsd_problems` validates once per document and turns libxml2's errors into `XsdProblem`s that
say which event (its index among the document's events) and which element, by the element's
path inside the event (`sensorElementList.sensorElement[0].sensorReport[1]`, 0-based).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

XSD = "http://www.w3.org/2001/XMLSchema"

# namespace URI → schema version
VERSION_OF = {
    "urn:epcglobal:epcis:xsd:2": "2.0",
    "urn:epcglobal:epcis-query:xsd:2": "2.0",
    "urn:epcglobal:epcis-masterdata:xsd:2": "2.0",
    "urn:epcglobal:epcis:xsd:1": "1.2",
    "urn:epcglobal:epcis-query:xsd:1": "1.2",
    "urn:epcglobal:epcis-masterdata:xsd:1": "1.2",
}
EPCIS_NAMESPACES = frozenset(VERSION_OF)
# the schema files of each version that declare the three EPCIS namespaces
_FILES = {
    "2.0": {
        "urn:epcglobal:epcis:xsd:2": "EPCglobal-epcis-2_0.xsd",
        "urn:epcglobal:epcis-query:xsd:2": "EPCglobal-epcis-query-2_0.xsd",
        "urn:epcglobal:epcis-masterdata:xsd:2": "EPCglobal-epcis-masterdata-2_0.xsd",
    },
    "1.2": {
        "urn:epcglobal:epcis:xsd:1": "EPCglobal-epcis-1_2.xsd",
        "urn:epcglobal:epcis-query:xsd:1": "EPCglobal-epcis-query-1_2.xsd",
        "urn:epcglobal:epcis-masterdata:xsd:1": "EPCglobal-epcis-masterdata-1_2.xsd",
    },
}
_BASE = "epcis-xsd"


def _schema_file(version: str, name: str) -> bytes:
    return (resources.files("trace_engine.epcis") / "schema" / "xsd" / version / name).read_bytes()


class _PackageResolver(etree.Resolver):
    """Serves `epcis-xsd/<version>/<file>` (and the relative imports inside) from the package."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        parts = system_url.replace("\\", "/").split("/")
        if len(parts) >= 3 and parts[-3] == _BASE and parts[-2] in _FILES:
            return self.resolve_string(
                _schema_file(parts[-2], parts[-1]), context, base_url=system_url
            )
        return None  # anything else is not ours: libxml2 refuses it (no network)


@cache
def schema_for(version: str) -> etree.XMLSchema:
    """The compiled schema of EPCIS `version` ("2.0" or "1.2"), built once per process."""
    imports = "".join(
        f'<xsd:import namespace="{uri}" schemaLocation="{name}"/>'
        for uri, name in _FILES[version].items()
    )
    bundle = f'<xsd:schema xmlns:xsd="{XSD}">{imports}</xsd:schema>'.encode()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_PackageResolver())
    document = etree.fromstring(bundle, parser, base_url=f"{_BASE}/{version}/bundle.xsd")
    return etree.XMLSchema(document)


@cache
def global_elements() -> dict[str, frozenset[str]]:
    """Namespace URI → the names of the elements its schema declares at the top level."""
    out: dict[str, frozenset[str]] = {}
    for version, files in _FILES.items():
        for uri, name in files.items():
            root = etree.fromstring(_schema_file(version, name))
            out[uri] = frozenset(el.get("name") for el in root.iterchildren(f"{{{XSD}}}element"))
    return out


def unqualify(root: Any) -> None:
    """Strip the EPCIS namespaces from the elements the schemas declare unqualified.

    The root and the other top-level elements of a schema (`epcisq:QueryResults`, …) keep
    their namespace; `<epcis:eventTime>` or an `<eventTime>` under `xmlns="urn:…:xsd:2"`
    becomes `<eventTime>`, as the schema has it.
    """
    globals_of = global_elements()
    for el in root.iter(*(f"{{{uri}}}*" for uri in EPCIS_NAMESPACES)):
        if el is root:
            continue
        uri, _, local = el.tag[1:].partition("}")
        if local not in globals_of[uri]:
            el.tag = local


@dataclass(frozen=True, slots=True)
class XsdProblem:
    """One schema error: the event it is in (None: outside any event), the element, why."""

    index: int | None
    field: str
    reason: str


_MESSAGE = re.compile(r"^Element '(?P<element>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: ")
_MISSING = re.compile(r"Missing child element\(s\)\. Expected is \( (?P<names>[^)]+) \)")
_TIME_FIELD = re.compile(r"(?:^|\.)(?:\w*Time|time)$")
_STEP = re.compile(r"^(?P<name>[^\[]+)(?:\[(?P<pos>\d+)\])?$")


def _field(steps: Iterable[str]) -> str:
    """XPath steps (`sensorReport[2]`, 1-based) → `sensorReport[1]` (0-based), dotted."""
    out: list[str] = []
    for step in steps:
        match = _STEP.match(step)
        if match is None:
            out.append(step)
            continue
        name, pos = match["name"], match["pos"]
        out.append(f"{name}[{int(pos) - 1}]" if pos else name)
    return ".".join(out)


def _short(text: str) -> str:
    # `{urn:epcglobal:epcis:xsd:2}EPCISBody` → `EPCISBody`: the URIs say nothing new here
    text = re.sub(r"\{[^}]*\}", "", text).strip()
    return text if len(text) <= 300 else text[:297] + "..."


# what the schema's own type names mean, for the reasons we give
_TYPE_HINTS = {
    "DateTimeStamp": "a date-time with a time zone offset, e.g. 2024-03-01T10:00:00.000+01:00",
    "xs:dateTime": "a date-time, e.g. 2024-03-01T10:00:00.000+01:00",
    "xs:decimal": "a number",
    "xs:double": "a number",
    "xs:anyURI": "a URI",
}


def _explained(reason: str) -> str:
    reason = reason.rstrip(".")
    for name, hint in _TYPE_HINTS.items():
        if reason.endswith(f"of the atomic type '{name}'"):
            return f"{reason} ({hint})"
    if reason.startswith("[facet 'pattern']"):
        # the pattern itself is long and unreadable: say which value, not the regex
        value = re.search(r"The value '([^']*)'", reason)
        return f"{value[1]!r} does not have the form the schema requires" if value else reason
    return reason


def xsd_problems(tree: Any, schema: etree.XMLSchema, events: list[Any]) -> list[XsdProblem]:
    """Validate `tree` once; each error with the index of the event (in `events`) it is in."""
    if schema.validate(tree):
        return []
    paths = {tree.getpath(el): i for i, el in enumerate(events)}
    problems: list[XsdProblem] = []
    entries = list(schema.error_log)
    for n, entry in enumerate(entries):
        path = entry.path or ""
        if entry.message.startswith("[facet") and any(
            later.path == entry.path and not later.message.startswith("[facet")
            for later in entries[n + 1 : n + 3]
        ):
            continue  # libxml2 follows a facet error with "not a valid value of <type>"
        steps = [s for s in path.split("/") if s]
        index: int | None = None
        inner: list[str] = steps
        for cut in range(len(steps), 0, -1):
            found = paths.get("/" + "/".join(steps[:cut]))
            if found is not None:
                index, inner = found, steps[cut:]
                break
        message = entry.message
        head = _MESSAGE.match(message)
        reason = message[head.end() :] if head else message
        field_steps = list(inner) if index is not None else list(steps)
        if head and head["attr"]:
            field_steps.append("@" + _short(head["attr"]))
        missing = _MISSING.search(message)
        if missing and "," not in missing["names"]:
            field_steps.append(_short(missing["names"]))
            reason = "is required"
        if index is not None and not inner and not (missing or (head and head["attr"])):
            field_steps = [_short(steps[-1]) if steps else "event"]
        field = _field(field_steps) or "event"
        reason = _explained(_short(reason))
        if reason.endswith("the form the schema requires") and _TIME_FIELD.search(field):
            reason += f" ({_TYPE_HINTS['DateTimeStamp']})"
        problems.append(XsdProblem(index, field, reason))
    return problems
