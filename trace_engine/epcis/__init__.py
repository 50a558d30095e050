"""EPCIS 2.0 JSON-LD, 2.0 XML and 1.2 XML documents → one normalised event model.

`parse_document` picks the parser from the content type (or the first byte); `parse_json` and
`parse_xml` parse whole documents; `iter_json_events` / `iter_xml_events` + `normalise_event`
stream big files, `read_json_header` / `read_xml_header` give their master data.
"""

from __future__ import annotations

from trace_engine.epcis.jsonld import iter_json_events, parse_json, read_json_header
from trace_engine.epcis.model import ParsedDocument
from trace_engine.epcis.normalise import normalise_event
from trace_engine.epcis.xml import iter_xml_events, parse_xml, read_xml_header
from trace_engine.errors import InvalidDocument, UnsupportedContentType

__all__ = [
    "JSON_TYPES",
    "XML_TYPES",
    "iter_json_events",
    "iter_xml_events",
    "normalise_event",
    "parse_document",
    "parse_json",
    "parse_xml",
    "read_json_header",
    "read_xml_header",
]

JSON_TYPES = ("application/json", "application/ld+json")
XML_TYPES = ("application/xml", "text/xml")
# said nothing useful about the format: sniff the body
_GENERIC_TYPES = ("", "application/octet-stream", "text/plain", "*/*")


def parse_document(body: bytes, content_type: str | None) -> ParsedDocument:
    """Parse an EPCIS capture body as JSON or XML, chosen by content type or by its first byte."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in JSON_TYPES or media.endswith("+json"):
        return parse_json(body)
    if media in XML_TYPES or media.endswith("+xml"):
        return parse_xml(body)
    if media not in _GENERIC_TYPES:
        raise UnsupportedContentType(
            f"unsupported content type {content_type!r}: send one of "
            + ", ".join(JSON_TYPES + XML_TYPES)
        )
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        return parse_json(body)
    if start == b"<" or body.startswith(b"\xef\xbb\xbf<"):
        return parse_xml(body)
    if not start:
        raise InvalidDocument("empty body: expected an EPCIS JSON or XML document")
    raise InvalidDocument("body is neither JSON nor XML")
