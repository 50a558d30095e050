"""One delivery: the EPCISQueryDocument body and its signed POST (used by the worker and by
`trace-engine subscriptions test`)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from trace_engine.epcis_query.output import query_document
from trace_engine.epcis_query.schemas import EpcFormat
from trace_engine.errors import InvalidSubscription, TraceEngineError
from trace_engine.subscriptions.dest import check_dest
from trace_engine.subscriptions.signing import HEADER, sign


def document_body(events: list[Any], query_name: str, subscription_id: str) -> bytes:
    """The delivery: an EPCISQueryDocument whose queryResults name the subscription."""
    return addressed(query_document(events, EpcFormat.DIGITAL_LINK, query_name), subscription_id)


def addressed(document: dict[str, Any], subscription_id: str) -> bytes:
    """A query document's bytes with `subscriptionID` in its queryResults (the document is
    left as it was: subscriptions of one query share it)."""
    body = document["epcisBody"]
    results = {"subscriptionID": subscription_id, **body["queryResults"]}
    return orjson.dumps({**document, "epcisBody": {**body, "queryResults": results}})


async def post(
    http: httpx.AsyncClient, node: dict[str, Any], body: bytes, allow_private: bool
) -> tuple[int, str] | None:
    """POST the body to the subscription's `dest` (checked again: DNS may change), signed when
    it has a token; None on 2xx, else (status or 0, reason). Redirects are not followed."""
    headers = {"Content-Type": "application/ld+json", "GS1-EPCIS-Version": "2.0.0"}
    if node.get("signatureToken"):
        headers[HEADER] = sign(node["signatureToken"], body)
    try:
        await check_dest(node["dest"], allow_private, must_resolve=True)
        response = await http.post(
            node["dest"], content=body, headers=headers, follow_redirects=False
        )
    except InvalidSubscription as exc:
        return 0, str(exc)
    except httpx.HTTPError as exc:
        return 0, f"{type(exc).__name__}: {exc}"[:500]
    except TraceEngineError as exc:
        return 0, str(exc)
    if 200 <= response.status_code < 300:
        return None
    if 300 <= response.status_code < 400:
        return response.status_code, f"HTTP {response.status_code} (redirects are not followed)"
    return response.status_code, f"HTTP {response.status_code}"
