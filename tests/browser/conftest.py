"""Pages tested in a real browser: Debian's Chromium driven by Playwright for Python.

Playwright's own browser downloads are never used (`playwright install` is not run): the
system `chromium` is the executable. When it is missing, the set-up installs it with
`apt-get install -y chromium` and, when that is not possible, fails with what to do.
The API runs in a real uvicorn server on a free loopback port, on the suite's Neo4j, with
the recall demo loaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from live import LiveApi, load_recall_demo, serve
from playwright.sync_api import Browser, Playwright, sync_playwright

from trace_engine.config import Settings

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def _find_chromium() -> str | None:
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _install_chromium() -> str:
    """apt-get install -y chromium (Debian's package), or fail saying why and what to do."""
    advice = (
        "Install Debian's Chromium yourself (`sudo apt-get install -y chromium`) and run the "
        "tests again; Playwright's own browser download is not used."
    )
    if shutil.which("apt-get") is None:
        pytest.fail(f"Chromium is not installed and this machine has no apt-get. {advice}")
    if os.geteuid() != 0:
        pytest.fail(f"Chromium is not installed and the tests do not run as root. {advice}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            pytest.fail(f"`{' '.join(command)}` failed: {' | '.join(tail)}. {advice}")
    path = _find_chromium()
    if path is None:
        pytest.fail(f"apt-get installed chromium but no executable was found. {advice}")
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, installed with apt-get when missing."""
    return _find_chromium() or _install_chromium()


# Module scope, not session: while Playwright's sync API is started it keeps an event loop
# running in this thread, and pytest-asyncio's tests that follow could not run theirs.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_api(settings: Settings) -> Iterator[LiveApi]:
    """The API, served for real, over the recall demo."""
    key = load_recall_demo(settings)
    with serve(settings) as base:
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        yield LiveApi(base=base, key=key, settings=settings)
