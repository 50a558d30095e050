"""Time from a fresh clone to a healthy API, with the Maven cache warm and cold.

    .venv/bin/python bench/startup.py [--runs warm cold]

Clones this repository (HEAD) into a temporary folder and runs the README's command,
`bash scripts/up`, on side ports (Bolt 17691, HTTP 17478, a free API port) so it does not meet
a server already running, and measures until `GET /health` answers 200. `cold` points Maven at
an empty local repository (so Neo4j's jars come from Maven Central); `warm` uses ~/.m2. The
Python packages come from pip's cache in both. Appends the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import append_results, free_port, section_header  # noqa: E402

BOLT, HTTP = 17691, 17478


def one_run(kind: str) -> dict[str, float]:
    """Clone, `bash scripts/up`, wait for /health; return the seconds to each milestone."""
    work = Path(tempfile.mkdtemp(prefix=f"startup-{kind}-"))
    clone = work / "trace-engine"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    api_port = free_port()
    env = {
        **os.environ,
        "TRACE_NEO4J_BOLT_PORT": str(BOLT),
        "TRACE_NEO4J_HTTP_PORT": str(HTTP),
        "TRACE_NEO4J_URI": f"bolt://127.0.0.1:{BOLT}",
        "TRACE_API_PORT": str(api_port),
        "TRACE_NEO4J_HEAP": "1g",
        "TRACE_NEO4J_PAGECACHE": "512m",
    }
    if kind == "cold":
        env["MAVEN_OPTS"] = f"-Dmaven.repo.local={work / 'm2'}"
    started = time.perf_counter()
    process = subprocess.Popen(
        ["bash", "scripts/up"],
        cwd=clone,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    healthy = None
    try:
        while time.perf_counter() - started < 900 and process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=2).status_code == 200:
                    healthy = time.perf_counter() - started
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
        subprocess.run(
            [str(clone / ".venv/bin/trace-engine"), "neo4j", "stop"],
            cwd=clone,
            env=env,
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)
    if healthy is None:
        raise SystemExit(f"{kind}: the API never became healthy")
    return {"healthy_s": healthy}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", nargs="+", choices=("warm", "cold"), default=["warm", "cold"])
    parser.add_argument("--note", default="", help="A sentence for RESULTS.md.")
    args = parser.parse_args()
    rows = []
    for kind in args.runs:
        result = one_run(kind)
        print(kind, result, flush=True)
        rows.append(f"| {kind} | {result['healthy_s']:.0f} s |")
    lines = [
        "| Maven cache | fresh clone → `GET /health` 200 |",
        "|---|---|",
        *rows,
        "",
        "`bash scripts/up` on a fresh clone: creates .venv and installs the package (pip's "
        "cache warm), fetches Neo4j 5.26 with Maven (cold: an empty local repository, so "
        "~140 MB from Maven Central), starts it, applies the schema, loads the recall demo, "
        "creates a key and serves the API.",
    ]
    if args.note:
        lines += ["", args.note]
    command = " ".join([".venv/bin/python bench/startup.py", *sys.argv[1:]])
    append_results(section_header("fresh clone to a healthy API", command) + lines + [""])
    print("\n".join(lines))


if __name__ == "__main__":
    main()
