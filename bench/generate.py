"""The synthetic supply-chain generator at scale: time, peak memory, determinism, validity.

    .venv/bin/python bench/generate.py --events 1000000

Runs `trace-engine seed generate --events N --seed S` twice into two folders under
bench/data/ (as child processes, so their peak RSS is their own), checks that the two outputs
are byte-identical (SHA-256 of every file), validates a random sample of the documents against
the EPCIS 2.0 JSON Schema, and appends the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import DATA, append_results, section_header  # noqa: E402
from trace_engine.seed.validation import schema_errors  # noqa: E402


def run(events: int, seed: int, out: Path) -> tuple[float, float]:
    """Generate into `out`; return (seconds, peak RSS of that child in MiB)."""
    if out.exists():
        shutil.rmtree(out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "trace_engine",
            "seed",
            "generate",
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],  # fmt: skip
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    # ru_maxrss of children is the largest child so far: run the smaller-or-equal job first
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak / 1024


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in the folder."""
    result = {}
    for path in sorted(folder.iterdir()):
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        result[path.name] = digest.hexdigest()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=5, help="Documents to validate.")
    parser.add_argument("--keep", action="store_true", help="Keep the generated folders.")
    args = parser.parse_args()

    first, second = DATA / f"generate-{args.events}-a", DATA / f"generate-{args.events}-b"
    seconds_a, rss_a = run(args.events, args.seed, first)
    seconds_b, rss_b = run(args.events, args.seed, second)
    identical = digests(first) == digests(second)
    files = sorted(first.glob("events-*.jsonld"))
    size = sum(p.stat().st_size for p in first.iterdir())
    manifest = orjson.loads((first / "manifest.json").read_bytes())

    sample = random.Random(args.seed).sample(files, min(args.sample, len(files)))
    checked_events, invalid = 0, []
    for path in sample:
        document = orjson.loads(path.read_bytes())
        checked_events += len(document["epcisBody"]["eventList"])
        invalid += [f"{path.name}: {e}" for e in schema_errors(document)]

    lines = [
        f"- data: {args.events:,} events, seed {args.seed}: {len(files)} files, "
        f"{size / 1e9:.2f} GB with truth.jsonl ({manifest['networks']:,} networks, "
        f"{manifest['instances']:,} product instances)",
        "",
        "| run | wall time | peak RSS |",
        "|---|---:|---:|",
        f"| first | {seconds_a:.1f} s | {rss_a:.0f} MiB |",
        f"| second (same seed) | {seconds_b:.1f} s | {rss_b:.0f} MiB |",
        "",
        f"- byte-identical output of the two runs (SHA-256 of all {len(digests(first))} files): "
        f"**{'yes' if identical else 'NO'}**",
        f"- schema: {len(sample)} random documents ({checked_events:,} events) validated against "
        f"the EPCIS 2.0 JSON Schema: **{len(invalid)} errors**",
        "",
    ]
    lines += [f"  - {e}" for e in invalid[:10]]
    command = " ".join([".venv/bin/python bench/generate.py", *sys.argv[1:]])
    append_results(section_header("seed generate", command, uses_neo4j=False) + lines)
    print("\n".join(lines))
    if not args.keep:
        shutil.rmtree(first)
        shutil.rmtree(second)
    if not identical or invalid:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
