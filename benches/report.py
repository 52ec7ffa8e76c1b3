#!/usr/bin/env python3
"""Runs every benchmark and measurement of BENCHMARKS.md and rewrites it.

    python3 benches/report.py            # about fifteen minutes on 2 cores
    python3 benches/report.py --passes 1 # one pass of the benches instead of nine
    python3 benches/report.py --no-bench # the table from the last criterion run

Criterion races each contender in the same group of the same run; the table reports medians
and ratios against the peer measured in that run. The benches run in several passes and each
line's ratio is the median of its passes' (the figures shown are those of that pass). Binary
sizes are of stripped release builds (LTO, one codegen unit, as one ships to Lambda); peak
memory is the VmHWM of a process that answers 10,000 events.
"""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

from benchmarks_md import rewrite_section

HERE = os.path.dirname(os.path.abspath(__file__))
CRITERION = os.path.join(HERE, "target", "criterion")


def run(*command, **kwargs):
    print("+", " ".join(command), file=sys.stderr)
    return subprocess.run(command, cwd=HERE, check=True, text=True, capture_output=True, **kwargs).stdout


def median_ns(group, function):
    # Criterion writes a group `a/b` to the directory `a_b`.
    path = os.path.join(CRITERION, group.replace("/", "_"), function, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def fmt_time(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def verdict(ratio, target):
    if target is None:
        return "none: part of the cold start"
    return "met" if ratio <= target else "**not met**"


def target_cell(target):
    return "-" if target is None else f"≤ {target}x"


def timed_rows():
    """The timed lines of one criterion run: (name, minik ns, peer ns, target)."""
    rows = []
    for event in ["rest-v1", "http-api-v2", "alb-multi-value"]:
        group = f"per_event/{event}"
        minik, axum, floor = (median_ns(group, f) for f in ["minik", "lambda_http+axum", "floor"])
        rows.append((f"per event, {event}: minik vs lambda_http + axum", minik, axum, 0.5))
        rows.append((f"per event, {event}: minik vs floor (Value parse + to_vec)", minik, floor, 1.0))
    for kind in ["hits", "misses"]:
        group = f"lookup/github/{kind}"
        count = 20 if kind == "hits" else 10
        rows.append((f"lookup, GitHub set, {count} {kind}: minik vs matchit", median_ns(group, "minik"),
                     median_ns(group, "matchit"), 1.5))
    # Building the table is part of the cold start, which has its own target (issue 18); the
    # routes file is read by toml's own parser since issue 14.
    rows.append(("startup, GitHub set (203 routes): minik from TOML vs matchit",
                 median_ns("startup/github", "minik"), median_ns("startup/github", "matchit"), None))
    rows.append(("scale: 4 lookups at 10,000 routes vs at 10 routes", median_ns("lookup/scale", "minik/10000"),
                 median_ns("lookup/scale", "minik/10"), 1.5))
    return rows


def middle(values):
    """The median of an odd number of values (the lower middle one of an even number)."""
    return sorted(values)[(len(values) - 1) // 2]


def main():
    # `--no-bench` rebuilds the table from the last criterion run (the sizes and memory are
    # always measured again); `--passes N` runs the benches N times (9 by default).
    bench = "--no-bench" not in sys.argv
    passes = int(sys.argv[sys.argv.index("--passes") + 1]) if "--passes" in sys.argv else 9
    # The machines this runs on are shared: a contender measured a few seconds after its peer
    # can find the machine up to 2x slower. Each pass races the contenders of every group
    # once, briefly (half a second of warm-up, one of measurement, so that the contenders of
    # a group are measured close together); a line's ratio is the median of its passes'
    # ratios, so that one slow stretch does not decide a verdict. Nine short passes rather
    # than five of twice the length: one pass's ratio of the hits moved between 0.72x and
    # 1.19x within minutes, and the median of more pairs measured closer together moves less.
    runs, scales = [], []
    for _ in range(passes if bench else 1):
        if bench:
            run("cargo", "bench", "--bench", "per_event", "--bench", "router", "--",
                "--warm-up-time", "0.5", "--measurement-time", "1")
        runs.append(timed_rows())
        scales.append({n: median_ns("lookup/scale", f"minik/{n}") for n in [10, 100, 1000, 10000]})
    rows = []
    for lines in zip(*runs):
        name, _, _, target = lines[0]
        ratio = middle([mine / peer for _, mine, peer, _ in lines])
        # The figures shown are those of the pass whose ratio is the median.
        _, mine, peer, _ = next(line for line in lines if line[1] / line[2] == ratio)
        each = ", ".join(f"{line[1] / line[2]:.2f}x" for line in lines)
        rows.append((name, fmt_time(mine), fmt_time(peer), ratio, target, each))
    scale = {n: middle([one[n] for one in scales]) for n in scales[0]}

    # Binary sizes: the quickstart as a Lambda binary, and its lambda_http + axum twin.
    release = os.path.join(HERE, "target", "release")
    run("cargo", "build", "--release", "--bin", "axum_quickstart")
    axum_size = os.path.getsize(os.path.join(release, "axum_quickstart"))
    run("cargo", "build", "--release", "--bin", "minik_quickstart", "--no-default-features")
    lambda_only = os.path.getsize(os.path.join(release, "minik_quickstart"))
    run("cargo", "build", "--release", "--bin", "minik_quickstart")
    with_local = os.path.getsize(os.path.join(release, "minik_quickstart"))
    rows.append(("binary size (stripped): minik quickstart, Lambda only, vs lambda_http + axum",
                 f"{lambda_only / 1024:.0f} KiB", f"{axum_size / 1024:.0f} KiB", lambda_only / axum_size, 1.0, "-"))
    rows.append(("binary size (stripped): minik quickstart with local mode (default) vs lambda_http + axum",
                 f"{with_local / 1024:.0f} KiB", f"{axum_size / 1024:.0f} KiB", with_local / axum_size, 1.0, "-"))

    # Peak memory answering 10,000 events.
    run("cargo", "build", "--release", "--bin", "peak_memory")
    peaks = {}
    for contender in ["minik", "lambda_http+axum"]:
        out = run(os.path.join(release, "peak_memory"), contender)
        peaks[contender] = int(out.rsplit("peak RSS", 1)[1].split()[0])
    rows.append(("peak memory, 10,000 events (VmHWM): minik vs lambda_http + axum", f"{peaks['minik']} KiB",
                 f"{peaks['lambda_http+axum']} KiB", peaks["minik"] / peaks["lambda_http+axum"], 1.0, "-"))

    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    table = "\n".join(
        f"| {name} | {mine} | {peer} | {ratio:.2f}x | {each} | {target_cell(target)} | {verdict(ratio, target)} |"
        for name, mine, peer, ratio, target, each in rows)
    scale_line = ", ".join(f"{n:,} routes: {fmt_time(t)}" for n, t in scale.items())
    results = f"""Last run: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {cpu}, {os.cpu_count()} cores, \
{platform.system()} {platform.release()}, {rustc}; {len(runs)} passes of the benches, each line's ratio \
the median of its passes' ratios.

| measure | minik | peer | ratio | each pass | target | verdict |
|---|---|---|---|---|---|---|
{table}

Scale (4 lookups, median of the passes' medians): {scale_line}.
"""
    # The table lives between two markers in BENCHMARKS.md; the prose around it is kept.
    rewrite_section("results", results)
    print(results)


if __name__ == "__main__":
    main()
