"""The trace page's files: shipped in the package, vendored libraries pinned and licensed, and
nothing that would make the browser fetch from another origin."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from api.routers.web import public_paths

STATIC = resources.files("api") / "static"


def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def test_the_vendored_libraries_match_their_pinned_checksums_and_carry_licences() -> None:
    readme = _text("vendor/README.md")
    rows = re.findall(r"^\| `([\w.-]+\.js)` .*\| `([0-9a-f]{64})` \|$", readme, re.M)
    vendored = sorted(p.name for p in (STATIC / "vendor").iterdir() if p.name.endswith(".js"))
    assert sorted(name for name, _ in rows) == vendored
    for name, digest in rows:
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest, name
    licences = {p.name for p in (STATIC / "vendor").iterdir() if p.name.startswith("LICENSE")}
    assert {"LICENSE.cytoscape", "LICENSE.cytoscape-dagre", "LICENSE.dagre"} <= licences
    for name in licences:
        assert "Permission is hereby granted" in _text(f"vendor/{name}"), name


def test_the_page_loads_only_files_of_the_package() -> None:
    index = _text("index.html")
    referenced = re.findall(r'(?:src|href)="([^"#]+)"', index)
    assert referenced
    for url in referenced:
        assert url.startswith("/static/"), url
        assert url in public_paths(), url
    assert not re.search(r"(?:https?:)?//", _text("index.html"))
    assert not re.search(r"url\(|@import", _text("app.css"))  # no fonts or images from anywhere


def test_only_the_page_and_its_assets_are_public() -> None:
    paths = public_paths()
    assert "/" in paths and "/static/app.js" in paths
    assert all(p == "/" or p.startswith("/static/") for p in paths)
    assert "/static/vendor/README.md" not in paths
