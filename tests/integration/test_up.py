"""The README's run command: `trace-engine up` loads the recall demo and prints a trace URL and
a curl command that work exactly as printed."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import httpx

from trace_engine.config import Settings

CONTAMINATED = "urn:epc:class:lgtin:0860002.010001.PVG240502R"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_up_prints_a_trace_url_and_curl_that_work(settings: Settings) -> None:
    env = {
        **os.environ,
        "TRACE_NEO4J_URI": settings.neo4j_uri,
        "TRACE_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TRACE_API_PORT": str(_free_port()),
        "COLUMNS": "400",  # keep rich from wrapping the printed URLs
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "trace_engine", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line.rstrip())
            if line.startswith("Try:"):
                break
        output = "\n".join(printed)
        url = re.search(r"^Trace URL:\s+(\S+)$", output, re.M)
        curl = re.search(r"^Try:\s+(curl .*)$", output, re.M)
        key = re.search(r"^API key:\s+([0-9a-f]{64})\s", output, re.M)
        page = re.search(r"^Trace page:\s+(\S+)$", output, re.M)
        guide = re.search(r"^Analyst guide:\s+:guide (\S+)\s", output, re.M)
        assert url and curl and key and page and guide, output
        auth = {"Authorization": f"Bearer {key.group(1)}"}

        for _ in range(100):  # the server starts right after printing
            try:
                response = httpx.get(url.group(1), headers=auth, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response.status_code == 200, response.text
        assert httpx.get(url.group(1), timeout=5).status_code == 401  # the key is needed
        trace = response.json()[CONTAMINATED]
        stores = {f["data"]["name"] for f in trace["facilities"].values()
                  if f["data"].get("type") == "STORE"}  # fmt: skip
        assert len(stores) == 3 and not any("#45" in s for s in stores), stores

        # the FSMA 204 spreadsheet and the impact report of the demo lot, as printed
        sheet = re.search(r"^FSMA 204 sheet:\s+(\S+)$", output, re.M)
        impact = re.search(r"^Recall impact:\s+(\S+)$", output, re.M)
        assert sheet and impact, output
        xlsx = httpx.get(sheet.group(1), headers=auth, timeout=30)
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK", xlsx.text[:200]
        report = httpx.get(impact.group(1), headers=auth, timeout=30)
        assert report.status_code == 200 and report.json()["summary"]["stores"] == 3

        shell = subprocess.run(curl.group(1), shell=True, capture_output=True, text=True)
        assert shell.returncode == 0 and CONTAMINATED in shell.stdout
        assert shlex.split(curl.group(1))[0] == "curl"

        # the page link opens the demo lot; its key rides in the fragment, never sent
        address, _, fragment = page.group(1).partition("#")
        assert fragment == f"key={key.group(1)}"
        assert parse_qs(urlsplit(address).query)["productId"] == [CONTAMINATED]
        opened = httpx.get(address, timeout=5)
        assert opened.status_code == 200 and "text/html" in opened.headers["content-type"]
        # the line an analyst types in Neo4j Browser names the guide the API serves, keyless
        played = httpx.get(guide.group(1), timeout=5)
        assert played.status_code == 200 and "<slide" in played.text
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
