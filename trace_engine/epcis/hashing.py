"""CBV 2.0 event hash (`ni:///sha-256;…?ver=CBV2.0`) of an event in EPCIS 2.0 JSON-LD form.

Uses the canonicalisation of the `epcis-event-hash-generator` package (GS1's reference
implementation, pinned to one version: a change in it would change eventIDs), through its
public functions only: its JSON/XML structure correction and its pre-hash string builder; the
JSON → "simple python object" step is `_simple` here. tests/unit/test_event_hash_known_answers.py
holds the reference's digests of GS1's examples. Its document-level JSON entry point runs a full
JSON-LD expansion (pyld, and a network fetch for unknown contexts) only to expand bare CBV
words; we expand those words ourselves, which is ~50× faster and gives the same pre-hash string,
and makes JSON and XML forms of one event hash alike (the package's own JSON path leaves
`gs1:` CURIEs and booleans as given, its XML path expands/lowercases them).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from epcis_event_hash_generator import hash_generator
from epcis_event_hash_generator import json_xml_model_mismatch_correction as correction

_CBV_WEB = "https://ref.gs1.org/cbv/"
_GS1_VOC = "https://gs1.org/voc/"

# field → web-vocabulary prefix of its bare CBV words
_BARE_WORD_PREFIX = {
    "bizStep": _CBV_WEB + "BizStep-",
    "disposition": _CBV_WEB + "Disp-",
}
_LIST_TYPE_PREFIX = {
    "sourceList": _CBV_WEB + "SDT-",
    "destinationList": _CBV_WEB + "SDT-",
    "bizTransactionList": _CBV_WEB + "BTT-",
}
_IGNORED = ("eventID", "recordTime", "errorDeclaration", "@context")

# derive_prehashes_from_events sets the package's join string, a module global
_lock = threading.Lock()


def _expand_curie(value: str) -> str:
    if value.startswith("gs1:"):
        return _GS1_VOC + value[4:]
    if value.startswith("cbv:"):
        return _CBV_WEB + value[4:]
    return value


def _word(value: Any, prefix: str) -> Any:
    if isinstance(value, str) and value and ":" not in value:
        return prefix + value
    return value


def _canonical_values(node: Any) -> Any:
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, str):
        return _expand_curie(node)
    if isinstance(node, list):
        return [_canonical_values(v) for v in node]
    if isinstance(node, dict):
        return {k: _canonical_values(v) for k, v in node.items()}
    return node


def _hash_input(event: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key in _IGNORED:
            continue
        if key in _BARE_WORD_PREFIX:
            value = _word(value, _BARE_WORD_PREFIX[key])
        elif key in _LIST_TYPE_PREFIX and isinstance(value, list):
            prefix = _LIST_TYPE_PREFIX[key]
            # the package cannot hash an untyped entry (IndexError); an empty type stands in
            value = [
                {
                    "type": _word(item.get("type", ""), prefix),
                    **{k: v for k, v in item.items() if k != "type"},
                }
                if isinstance(item, dict)
                else item
                for item in value
            ]
        elif key == "persistentDisposition" and isinstance(value, dict):
            value = {
                k: [_word(v, _CBV_WEB + "Disp-") for v in vs] if isinstance(vs, list) else vs
                for k, vs in value.items()
            }
        elif key == "sensorElementList" and isinstance(value, list):
            value = [_sensor_element(el) for el in value]
        out[key] = _canonical_values(value)
    return out


def _sensor_element(element: Any) -> Any:
    if not isinstance(element, dict) or not isinstance(element.get("sensorReport"), list):
        return element
    reports = []
    for report in element["sensorReport"]:
        if isinstance(report, dict):
            report = dict(report)
            for key in ("type", "exception"):
                report[key] = _word(report.get(key), _GS1_VOC)
            report["component"] = _word(report.get("component"), _CBV_WEB + "Comp-")
            report = {k: v for k, v in report.items() if v is not None}
        reports.append(report)
    return {**element, "sensorReport": reports}


def _simple(node: Any, namespaces: dict[str, str]) -> tuple[str, str, list[Any]]:
    """The package's "simple python object" of a JSON value: (name, text, children), with
    extension prefixes replaced by `{namespace}` and children sorted, except under the lists
    whose order is significant (the same conversion as its `json_to_py`, which keeps its
    namespace table in a module global and offers it only through a full JSON-LD expansion)."""
    if isinstance(node, list):
        return ("", "", [_simple(child, namespaces) for child in node])
    if not isinstance(node, dict):
        return ("", str(_prefixed(node, namespaces, value=True)), [])
    name = node.get("type", "")
    text = node.get("#text", "")
    children: list[Any] = []
    for key, value in node.items():
        if key in ("#text", "rdfs:comment", "comment"):
            continue
        child = _simple(value, namespaces)
        key = _prefixed(key, namespaces)
        if isinstance(value, list):
            children.extend((key, element[1], element[2]) for element in child[2])
        else:
            children.append((key, child[1], child[2]))
    if not any(k in node for k in ("bizTransaction", "source", "destination")):
        children.sort()
    return (name, text, children)


def _prefixed(text: Any, namespaces: dict[str, str], value: bool = False) -> Any:
    if not isinstance(text, str):
        return text
    prefix, colon, rest = text.partition(":")
    if colon and prefix in namespaces:
        return (namespaces[prefix] if value else "{" + namespaces[prefix] + "}") + rest
    return text


def event_pre_hash(event: dict[str, Any], namespaces: dict[str, str] | None = None) -> str:
    """The CBV 2.0 pre-hash string of a JSON-LD event (what `event_hash` digests)."""
    data = _hash_input(event)
    data["type"] = event.get("type", "")
    simple = correction.deep_structure_correction(_simple(data, namespaces or {}))
    with _lock:  # the package keeps the join string in a module global
        pre_hashes = hash_generator.derive_prehashes_from_events(("EventList", "", [simple]), "")
    if len(pre_hashes) != 1:  # the package logs and skips an event it cannot read
        raise ValueError("the event cannot be brought into the CBV 2.0 pre-hash form")
    return str(pre_hashes[0])


def event_hash(event: dict[str, Any], namespaces: dict[str, str] | None = None) -> str:
    """CBV 2.0 hash of a JSON-LD event; `namespaces` maps extension prefixes to their URIs."""
    digest = hashlib.sha256(event_pre_hash(event, namespaces).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
