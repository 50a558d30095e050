"""Mutants of GS1's valid examples are refused, naming the event and the field, and store
nothing (hypothesis, a fixed number of examples, derandomised so CI runs the same mutants).

Each mutant goes the capture path of `POST /epcis/capture` under `rollback`: parse, refuse,
and (if nothing refused it) store. The graph already holds GS1's examples, and its node and
relationship counts must not move.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from neo4j import Driver

from trace_engine.capture import CaptureService
from trace_engine.config import Settings
from trace_engine.epcis.model import EVENT_TYPES, Rejected
from trace_engine.epcis.xsd import EPCIS_NAMESPACES
from trace_engine.errors import DocumentRejected
from trace_engine.ingest import ErrorBehaviour

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "gs1-epcis" / "examples"
ORG = "fuzz"
EPCIS2 = "urn:epcglobal:epcis:xsd:2"

JSON_EXAMPLES = sorted((EXAMPLES / "JSON").rglob("*.jsonld"))

BROKEN_TIMES = st.sampled_from(
    [
        "2024-02-30T10:00:00Z",
        "2024-03-01T25:00:00Z",
        "2024-03-01 10:00:00Z",
        "2024-3-1T10:00:00Z",
        "yesterday",
        "",
        "2024-03-01T10:00:00+15:00",
    ]
)
# names no EPCIS schema declares, for an unknown element in the EPCIS namespace
UNKNOWN = st.from_regex(r"\A[a-z][A-Za-z]{2,12}\Z").filter(
    lambda n: n not in {"action", "extension", "baseExtension", "ilmd", "epc", "id", "uom"}
)
STANDARD_FIELDS = ("eventTime", "eventTimeZoneOffset", "action")


def _attempt(service: CaptureService, body: bytes, content_type: str) -> list[Rejected]:
    """The capture route's path under rollback; the refused events (none: it was stored)."""
    try:
        document = service.parse(body, content_type)
        service.check_rollback(document, ErrorBehaviour.ROLLBACK)
    except DocumentRejected as refused:
        return list(refused.rejected)
    service.ingestor.capture(document, ORG, ErrorBehaviour.ROLLBACK)
    return []


def _xml_events(root: Any) -> list[Any]:
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    event_list = next(el for el in elements if etree.QName(el).localname == "EventList")
    return [
        child
        for child in event_list.iter()
        if isinstance(child.tag, str) and etree.QName(child).localname in EVENT_TYPES
    ]


def _standard_children(event: Any) -> list[Any]:
    return [
        c
        for c in event
        if isinstance(c.tag, str)
        and (etree.QName(c).namespace in (None, *EPCIS_NAMESPACES))
        and etree.QName(c).localname not in ("extension", "baseExtension")
    ]


XML_EXAMPLES = [
    p
    for p in sorted((EXAMPLES / "XML").rglob("*.xml"))
    if "CaptureJob" not in p.parts
    and b"EventList" in p.read_bytes()
    and _xml_events(etree.fromstring(p.read_bytes()))
]


@st.composite
def xml_mutants(draw: st.DrawFn) -> tuple[str, bytes, int, tuple[str, ...]]:
    """(kind, mutant body, mutated event index, names one of which the refusal must say)."""
    path = draw(st.sampled_from(XML_EXAMPLES))
    root = etree.fromstring(path.read_bytes())
    events = _xml_events(root)
    index = draw(st.integers(0, len(events) - 1))
    event = events[index]
    children = _standard_children(event)
    kind = draw(st.sampled_from(["drop", "time", "swap", "unknown"]))
    names: tuple[str, ...]
    if kind == "drop":
        present = [c for c in children if etree.QName(c).localname in STANDARD_FIELDS]
        victim = draw(st.sampled_from(present))
        name = etree.QName(victim).localname
        victim.getparent().remove(victim)
        names = (name,)
    elif kind == "time":
        (time,) = [c for c in children if etree.QName(c).localname == "eventTime"]
        time.text = draw(BROKEN_TIMES)
        names = ("eventTime",)
    elif kind == "swap":
        pairs = [
            (a, b)
            for a, b in zip(children, children[1:], strict=False)
            if etree.QName(a).localname != etree.QName(b).localname and a.getnext() is b
        ]
        first, second = draw(st.sampled_from(pairs))
        first.addprevious(second)  # second now comes before first
        names = (etree.QName(first).localname, etree.QName(second).localname)
    else:
        name = draw(UNKNOWN)
        position = draw(st.integers(0, len(event)))
        namespace = etree.QName(root).namespace or EPCIS2
        element = etree.Element(f"{{{namespace}}}{name}")
        element.text = "x"
        event.insert(position, element)
        names = (name,)
    return kind, etree.tostring(root), index, names


@st.composite
def json_mutants(draw: st.DrawFn) -> tuple[str, bytes, int, tuple[str, ...]]:
    path = draw(st.sampled_from(JSON_EXAMPLES))
    document = orjson.loads(path.read_bytes())
    body = document["epcisBody"]
    events = (
        body["eventList"]
        if "eventList" in body
        else body["queryResults"]["resultsBody"]["eventList"]
    )
    index = draw(st.integers(0, len(events) - 1))
    event = copy.deepcopy(events[index])
    if draw(st.booleans()):
        present = [k for k in STANDARD_FIELDS if k in event]
        name = draw(st.sampled_from(present))
        del event[name]
        kind = "drop"
    else:
        event["eventTime"] = draw(BROKEN_TIMES)
        name, kind = "eventTime", "time"
    events[index] = event
    return kind, orjson.dumps(document), index, (name,)


@pytest.fixture
def service(driver: Driver, settings: Settings) -> CaptureService:
    service = CaptureService(driver, settings)
    # the graph holds GS1's examples already: a refused mutant must leave them as they are
    for path in XML_EXAMPLES[:6] + JSON_EXAMPLES[:6]:
        content_type = "application/xml" if path.suffix == ".xml" else "application/ld+json"
        assert _attempt(service, path.read_bytes(), content_type) == []
    return service


def _check(
    service: CaptureService,
    counts: Callable[[], tuple[int, int]],
    mutant: tuple[str, bytes, int, tuple[str, ...]],
    content_type: str,
) -> None:
    kind, body, index, names = mutant
    event(kind)  # the share of each kind shows with --hypothesis-show-statistics
    before = counts()
    refused = _attempt(service, body, content_type)
    assert counts() == before, kind
    assert [r.index for r in refused] == [index], (kind, refused)
    said = refused[0].field + " " + refused[0].reason
    assert any(name in said for name in names), (kind, names, refused[0])


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutant=xml_mutants())
def test_xml_mutants_are_refused_naming_the_event_and_field(
    service: CaptureService,
    counts: Callable[[], tuple[int, int]],
    mutant: tuple[str, bytes, int, tuple[str, ...]],
) -> None:
    _check(service, counts, mutant, "application/xml")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutant=json_mutants())
def test_json_mutants_are_refused_naming_the_event_and_field(
    service: CaptureService,
    counts: Callable[[], tuple[int, int]],
    mutant: tuple[str, bytes, int, tuple[str, ...]],
) -> None:
    _check(service, counts, mutant, "application/ld+json")
