#!/usr/bin/env python3
"""Counts the instructions of every comparison of BENCHMARKS.md and rewrites its table.

    python3 benches/instructions.py     # needs valgrind; about three minutes

The wall clock of a shared machine moves between runs; instruction counts do not. Each
comparison runs as a plain loop in `src/bin/instructions.rs` (same events, routes, replies
and checks as the criterion benches) under callgrind, which counts only inside the
`count_*` functions; the figure is per event, per round of lookups, or per build.
"""
import os
import re
import subprocess
import sys
from datetime import datetime, timezone

from benchmarks_md import rewrite_section

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = os.path.join(HERE, "target", "instructions")
BINARY = os.path.join(TARGET, "release", "instructions")


def build():
    # Symbols are needed to find the `count_*` functions; LTO would inline them away.
    env = dict(os.environ, CARGO_PROFILE_RELEASE_STRIP="false", CARGO_PROFILE_RELEASE_LTO="false")
    subprocess.run(["cargo", "build", "--release", "--bin", "instructions", "--target-dir", TARGET],
                   cwd=HERE, env=env, check=True)


def count(*args):
    """Instructions per iteration of `instructions ARGS... N`, the last argument being N."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               "--toggle-collect=instructions::count_*", BINARY, *map(str, args)]
    print("+", " ".join(command), file=sys.stderr)
    out = subprocess.run(command, cwd=HERE, check=True, text=True, capture_output=True).stderr
    collected = int(re.search(r"Collected : (\d+)", out).group(1))
    return collected / args[-1]


def main():
    build()
    rows = []
    # The run path (what `minik::run` does per invocation, its subscriber installed), against
    # the peers and against the path `run` took before its payload layer.
    for event in ["rest-v1", "http-api-v2", "alb-multi-value", "lambda_http/alb_health_check.json"]:
        minik, previous, axum, floor = (count("per-event", who, event, 1000)
                                        for who in ["minik", "previous", "axum", "floor"])
        rows.append((f"run path, {event}, vs lambda_http + axum", minik, axum, 0.5))
        rows.append((f"run path, {event}, vs floor", minik, floor, 1.0))
        rows.append((f"run path, {event}, vs the path before the payload layer", minik, previous, None))
    for kind, n in [("hits", 20), ("misses", 10)]:
        minik, matchit = (count("lookup", who, kind, 2000) for who in ["minik", "matchit"])
        rows.append((f"lookup, {n} {kind}, vs matchit", minik, matchit, 1.5))
    minik, matchit = (count("not-allowed", who, 200) for who in ["minik", "matchit"])
    rows.append(("lookup, a 405 on every path (142), vs matchit", minik, matchit, 1.5))
    minik, matchit = (count("startup", who, 20) for who in ["minik", "matchit"])
    rows.append(("startup, GitHub set, vs matchit", minik, matchit, None))
    large, small = count("scale", 10000, 2000), count("scale", 10, 2000)
    rows.append(("scale, 4 lookups at 10,000 vs at 10 routes", large, small, 1.5))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    table = "\n".join(f"| {name} | {mine:,.0f} | {peer:,.0f} | {mine / peer:.2f}x | "
                      f"{'-' if target is None else f'≤ {target}x'} |"
                      for name, mine, peer, target in rows)
    results = f"""Counted: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}.

| measure | minik | peer | ratio | target |
|---|---|---|---|---|
{table}
"""
    # The table lives between two markers in BENCHMARKS.md; the prose around it is kept.
    rewrite_section("instructions", results)
    print(results)


if __name__ == "__main__":
    main()
