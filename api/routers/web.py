"""The trace page: `GET /` and its static files, served from the installed package.

The page itself needs no key (it holds no data); every call it makes to the API carries the
key the user gives it. Its assets are the files of `api/static/`, read through
`importlib.resources`, so a wheel serves the same page as a checkout.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

router = APIRouter(tags=["ui"])

STATIC_PREFIX = "/static"

# Only this origin's scripts, styles and API; no frame may embed the page.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def static_root() -> Traversable:
    """The package folder of the page's files."""
    return resources.files("api") / "static"


def _walk(folder: Traversable, prefix: str) -> list[str]:
    paths: list[str] = []
    for entry in folder.iterdir():
        if entry.is_dir():
            paths += _walk(entry, f"{prefix}/{entry.name}")
        elif not entry.name.endswith(".md"):
            paths.append(f"{prefix}/{entry.name}")
    return paths


@cache
def public_paths() -> frozenset[str]:
    """The page and each of its static files: exactly what may be fetched without a key."""
    return frozenset({"/", *_walk(static_root(), STATIC_PREFIX)})


@cache
def _index() -> str:
    return (static_root() / "index.html").read_text(encoding="utf-8")


@router.head("/", include_in_schema=False)
@router.get(
    "/",
    response_class=HTMLResponse,
    summary="The trace page",
    description="A page that draws a product's trace (no key needed for the page; every data "
    "call it makes carries the key given to it). Open `/?productId=…#key=…` to trace at once.",
)
async def trace_page() -> HTMLResponse:
    """The single-page trace viewer."""
    return HTMLResponse(_index(), headers=PAGE_HEADERS)


def static_files() -> StaticFiles:
    """The page's assets, from the installed package (`api/static/`)."""
    return StaticFiles(packages=[("api", "static")])
