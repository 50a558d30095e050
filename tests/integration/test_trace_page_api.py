"""The trace page is served without a key, exactly it and its assets; data still needs one."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from api.routers.web import public_paths


async def test_the_page_and_its_assets_need_no_key(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    anonymous = make_client(anonymous=True)
    page = await anonymous.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script src="/static/app.js"' in page.text
    assert (await anonymous.head("/")).status_code == 200
    for path in sorted(public_paths() - {"/"}):
        response = await anonymous.get(path)
        assert response.status_code == 200, path
        assert response.content, path
    script = await anonymous.get("/static/app.js")
    assert "javascript" in script.headers["content-type"]


async def test_anything_else_still_needs_a_key(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    anonymous = make_client(anonymous=True)
    for path in ("/static/vendor/README.md", "/static/nothing.js", "/static/", "/api/v1/traces",
                 "/epcis/events/x"):  # fmt: skip
        response = await anonymous.get(path)
        assert response.status_code == 401, path
        body = response.json()
        if path.startswith("/epcis"):  # problem+json there, as the EPCIS bindings say
            assert body["detail"] == "Invalid or expired API key"
        else:
            assert body == {"error": "Invalid or expired API key"}
