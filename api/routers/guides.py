"""Neo4j Browser guides, served without a key so Browser can fetch them.

Browser fetches a remote guide from its own origin (the Neo4j HTTP port) with `pragma` and
`cache-control` headers, so the request is cross-origin with a CORS preflight: both answer
with `Access-Control-Allow-Origin: *` (the guide holds no data, only the package's queries).
The Neo4j server must also list this host in `browser.remote_content_hostname_whitelist`
(trace_engine/local_neo4j.py and docker-compose.yml do).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from trace_engine.guides.analyst import guide_html

router = APIRouter(tags=["guides"])

ANALYST_GUIDE = "/guides/analyst"
CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}


@router.get(
    ANALYST_GUIDE,
    response_class=HTMLResponse,
    summary="The analysts' Neo4j Browser guide",
    description="Play it in Neo4j Browser: `:guide http://<this host>/guides/analyst`. The "
    "graph model, how identifiers become keys, and every analyst query with its parameters "
    "prefilled for the recall demo.",
)
async def analyst_guide() -> HTMLResponse:
    """The guide, in Neo4j Browser's HTML guide format."""
    return HTMLResponse(guide_html(), headers=CORS)


@router.options(ANALYST_GUIDE, include_in_schema=False)
async def analyst_guide_preflight(request: Request) -> Response:
    """The CORS preflight of Browser's fetch."""
    asked = request.headers.get("access-control-request-headers", "pragma, cache-control")
    return Response(
        status_code=204,
        headers={
            **CORS,
            "Access-Control-Allow-Methods": "GET, OPTIONS",
            "Access-Control-Allow-Headers": asked,
            "Access-Control-Max-Age": "600",
        },
    )
