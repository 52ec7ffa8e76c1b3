#!/usr/bin/env python3
"""Runs every benchmark and measurement of BENCHMARKS.md and rewrites its table.

    python3 benches/report.py              # about fifteen minutes on 2 cores
    python3 benches/report.py --passes 1   # one pass of the router benches instead of nine
    python3 benches/report.py --no-bench   # the benches' last results; cold start, sizes, memory anew

Every figure is a ratio against the peer measured in the same run, contenders interleaved:

- the run path (`benches/run_path.rs`): what `minik::run` does per invocation, against
  lambda_http + axum and the floor, over every HTTP event of tests/fixtures/events;
- the cold start (`coldstart.py`): the quickstart's Lambda binary against its lambda_http + axum
  twin, spawned against a fake Runtime API, alternating;
- lookups and builds (`benches/router.rs`, criterion, in passes; a line's ratio is the median
  of its passes');
- binary size and peak memory.

Everything is built with the release profile of benches/Cargo.toml (fat LTO, one codegen unit),
the benches included (`[profile.bench]` differs only in keeping symbols).
"""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

import coldstart
from benchmarks_md import rewrite_section

HERE = os.path.dirname(os.path.abspath(__file__))
CRITERION = os.path.join(HERE, "target", "criterion")
RELEASE = coldstart.RELEASE


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
    """`target` is a ratio, or None or a note for a line that has no target of its own."""
    if target is None:
        return "none: part of the cold start"
    if isinstance(target, str):
        return f"none: {target}"
    return "met" if ratio <= target else "**not met**"


def target_cell(target):
    return f"≤ {target}x" if isinstance(target, (int, float)) else "-"


def middle(values):
    """The median of an odd number of values (the lower middle one of an even number)."""
    return sorted(values)[(len(values) - 1) // 2]


def run_path_rows():
    """The run path over every HTTP event: the worst event against each peer, and a detail table."""
    if BENCH:
        run("cargo", "bench", "--bench", "run_path")
    with open(os.path.join(HERE, "target", "run_path.json")) as f:
        result = json.load(f)
    events = result["events"]
    rows = []
    raced = [e for e in events if e["vs_axum"] is not None]
    worst = max(raced, key=lambda e: e["vs_axum"])
    over = sum(1 for e in raced if e["vs_axum"] > 0.5)
    rows.append((f"run path vs lambda_http + axum, {len(raced)} HTTP events it reads: worst event "
                 f"({worst['event']}, {worst['bytes']:,} B); {over} over target",
                 fmt_time(worst["minik_ns"]), fmt_time(worst["axum_ns"]), worst["vs_axum"], 0.5,
                 f"best {min(e['vs_axum'] for e in raced):.2f}x, median {middle([e['vs_axum'] for e in raced]):.2f}x"))
    worst = max(events, key=lambda e: e["vs_floor"])
    over = [e for e in events if e["vs_floor"] > 1.0]
    rows.append((f"run path vs floor (Value parse + to_vec), all {len(events)} HTTP events: worst event "
                 f"({worst['event']}, {worst['bytes']:,} B); {len(over)} over target",
                 fmt_time(worst["minik_ns"]), fmt_time(worst["floor_ns"]), worst["vs_floor"], 1.0,
                 f"best {min(e['vs_floor'] for e in events):.2f}x, median {middle([e['vs_floor'] for e in events]):.2f}x"))
    detail = "\n".join(
        f"| {e['event']} | {e['bytes']:,} | {e['status']} | {fmt_time(e['minik_ns'])} | {e['vs_floor']:.2f}x | "
        + ("-" if e["vs_axum"] is None else f"{e['vs_axum']:.2f}x") + " |"
        for e in sorted(events, key=lambda e: e["bytes"]))
    return rows, result["rounds"], detail


def coldstart_rows(runs):
    results = coldstart.measure(runs)
    mine, peer = results["minik"], results["lambda_http+axum"]
    rows = []
    for key, what in [("next", "spawn → first GET /next"), ("reply", "spawn → first reply posted")]:
        ratio = mine[f"{key}_median"] / peer[f"{key}_median"]
        rows.append((f"cold start, {what}: minik quickstart vs lambda_http + axum ({mine['runs']} runs each, "
                     "alternating; median, p90)",
                     f"{mine[f'{key}_median']:.2f} ms, {mine[f'{key}_p90']:.2f} ms",
                     f"{peer[f'{key}_median']:.2f} ms, {peer[f'{key}_p90']:.2f} ms", ratio, 0.9,
                     f"p90 {mine[f'{key}_p90'] / peer[f'{key}_p90']:.2f}x"))
    # The floor: the same answer on lambda_runtime alone. What lambda_http + axum and minik add
    # to it is all a framework can save.
    floor = results["lambda_runtime alone"]
    for name, who in [("lambda_http + axum", peer), ("minik quickstart", mine)]:
        for key, what in [("next", "spawn → first GET /next"), ("reply", "spawn → first reply posted")]:
            rows.append((f"cold start, {what}: {name} vs lambda_runtime alone (no framework, no router, "
                         "no subscriber; median, p90)",
                         f"{who[f'{key}_median']:.2f} ms, {who[f'{key}_p90']:.2f} ms",
                         f"{floor[f'{key}_median']:.2f} ms, {floor[f'{key}_p90']:.2f} ms",
                         who[f"{key}_median"] / floor[f"{key}_median"], "the floor of any Rust function",
                         f"p90 {who[f'{key}_p90'] / floor[f'{key}_p90']:.2f}x"))
    build = results["routes build"]
    rows.append(("cold start, the quickstart's routes build (TOML read and checked, handlers bound) in a "
                 f"fresh process, as a share of minik's spawn → first GET /next ({mine['runs']} processes; median)",
                 f"{build['cold_median'] * 1000:.0f} µs", f"{mine['next_median']:.2f} ms",
                 build["cold_median"] / mine["next_median"], "its share of the cold start",
                 f"warm, a second build in the same process: {build['warm_median'] * 1000:.0f} µs"))
    return rows


def router_rows(passes):
    runs = []
    for _ in range(passes):
        if BENCH:
            run("cargo", "bench", "--bench", "router", "--", "--warm-up-time", "0.5", "--measurement-time", "1")
        lines = []
        for kind, what in [("hits", "a hit on every route"), ("misses", "misses from every path"),
                           ("405", "a 405 on every path")]:
            group = f"lookup/github/{kind}"
            lines.append((f"lookups, GitHub set, {what}: minik vs matchit", median_ns(group, "minik"),
                          median_ns(group, "matchit"), 1.5))
        lines.append(("build, GitHub set (203 routes): minik from TOML vs matchit",
                      median_ns("startup/github", "minik"), median_ns("startup/github", "matchit"), None))
        lines.append(("build, GitHub set (203 routes): minik from TOML vs axum Router",
                      median_ns("startup/github", "minik"), median_ns("startup/github", "axum"), None))
        lines.append(("scale: 4 lookups at 10,000 routes vs at 10 routes", median_ns("lookup/scale", "minik/10000"),
                      median_ns("lookup/scale", "minik/10"), 1.5))
        runs.append(lines)
    rows = []
    for lines in zip(*runs):
        name, _, _, target = lines[0]
        ratio = middle([mine / peer for _, mine, peer, _ in lines])
        # The figures shown are those of the pass whose ratio is the median.
        _, mine, peer, _ = next(line for line in lines if line[1] / line[2] == ratio)
        each = ", ".join(f"{line[1] / line[2]:.2f}x" for line in lines)
        rows.append((name, fmt_time(mine), fmt_time(peer), ratio, target, each))
    return rows


def size_and_memory_rows():
    # coldstart.measure built both Lambda binaries (minik's without local mode).
    axum_size = os.path.getsize(os.path.join(RELEASE, "axum_quickstart"))
    lambda_only = os.path.getsize(os.path.join(RELEASE, "minik_quickstart_lambda"))
    run("cargo", "build", "--release", "--target-dir", coldstart.TARGET, "--bin", "minik_quickstart")
    with_local = os.path.getsize(os.path.join(RELEASE, "minik_quickstart"))
    rows = [
        ("binary size: minik quickstart, Lambda only, vs lambda_http + axum",
         f"{lambda_only / 1024:.0f} KiB", f"{axum_size / 1024:.0f} KiB", lambda_only / axum_size, 1.0, "-"),
        ("binary size: minik quickstart with local mode (default) vs lambda_http + axum",
         f"{with_local / 1024:.0f} KiB", f"{axum_size / 1024:.0f} KiB", with_local / axum_size, 1.0, "-"),
    ]
    run("cargo", "build", "--release", "--target-dir", coldstart.TARGET, "--bin", "peak_memory")
    peaks = {}
    for contender in ["minik", "lambda_http+axum"]:
        out = run(os.path.join(RELEASE, "peak_memory"), contender)
        peaks[contender] = int(out.rsplit("peak RSS", 1)[1].split()[0])
    rows.append(("peak memory, 10,000 events (VmHWM): minik vs lambda_http + axum", f"{peaks['minik']} KiB",
                 f"{peaks['lambda_http+axum']} KiB", peaks["minik"] / peaks["lambda_http+axum"], 1.0, "-"))
    return rows


# `--no-bench`: the run path and router lines from the last run of their benches (the cold
# start, sizes and memory are measured again).
BENCH = "--no-bench" not in sys.argv


def main():
    passes = int(sys.argv[sys.argv.index("--passes") + 1]) if "--passes" in sys.argv else 9
    if not BENCH:
        passes = 1
    run_path, rounds, detail = run_path_rows()
    cold = coldstart_rows(40)
    router = router_rows(passes)
    sizes = size_and_memory_rows()
    rows = run_path + cold + router + sizes

    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    table = "\n".join(
        f"| {name} | {mine} | {peer} | {ratio:.2f}x | {each} | {target_cell(target)} | {verdict(ratio, target)} |"
        for name, mine, peer, ratio, target, each in rows)
    results = f"""Last run: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {cpu}, {os.cpu_count()} cores, \
{platform.system()} {platform.release()}, {rustc}. Run path: {rounds} interleaved rounds, each event's ratio \
the median of its rounds'. Cold start: 40 alternating runs of each binary. Lookups and builds: {passes} \
passes of criterion, each line's ratio the median of its passes'. Every contender built with the \
release profile of benches/Cargo.toml (fat LTO, one codegen unit; the binaries stripped), the one README \
recommends for Lambda.

| measure | minik | peer | ratio | detail | target | verdict |
|---|---|---|---|---|---|---|
{table}

The run path, event by event (smallest first; ratios against the floor and lambda_http + axum,
"-" where lambda_http does not read the event or panics on it):

| event | bytes | status | minik | vs floor | vs lambda_http + axum |
|---|---|---|---|---|---|
{detail}
"""
    # The table lives between two markers in BENCHMARKS.md; the prose around it is kept.
    rewrite_section("results", results)
    print(results)


if __name__ == "__main__":
    main()
