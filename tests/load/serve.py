#!/usr/bin/env python3
"""Local mode under load and under hostile clients, as SECURITY.md reports it.

    python3 tests/load/serve.py                 # 60 s of load, 64 connections
    python3 tests/load/serve.py --seconds 10    # shorter

Builds the quickstart (release), starts `quickstart serve` on a free port of the loopback, then:

1. hostile clients: 300 connections that send half a request's headers and stop, and one
   POST that announces 6 MB and sends a byte a second; meanwhile a healthy GET must still be
   answered, and the hostile connections must be closed by the server within its limits;
2. load: N keep-alive connections sending a mix of requests for T seconds, a panicking
   handler among them, every reply's status checked;
3. the server's resident memory sampled every second from /proc.

Prints one line per figure and exits non-zero if any reply was wrong, the healthy request was
not answered, or memory grew by more than half between the first and the last quarter of the
load phase. Needs only Python 3 and cargo.
"""
import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (method, path, body, expected status)
MIX = [
    ("GET", "/hello/ada", b"", 200),
    ("GET", "/articles/ada/1843", b"", 200),
    ("GET", "/articles/ada/recent", b"", 404),
    ("DELETE", "/greetings", b"", 405),
    ("POST", "/events", b'{"name": "launch"}', 200),
    ("GET", "/panic", b"", 500),
    ("GET", "/fail", b"", 500),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def request_bytes(method, path, body):
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += "Content-Type: application/json\r\n"
    return head.encode() + b"\r\n" + body


async def read_reply(reader):
    """The status of one HTTP/1.1 reply, its body read by Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
    if length:
        await reader.readexactly(int(length.group(1)))
    return status


async def client(port, deadline, counts, index):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = index
    while time.monotonic() < deadline:
        method, path, body, expected = MIX[i % len(MIX)]
        i += 1
        writer.write(request_bytes(method, path, body))
        try:
            status = await read_reply(reader)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            counts["errors"] += 1
            counts.setdefault("examples", []).append(f"{method} {path}: {error!r}")
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        counts["requests"] += 1
        if status != expected:
            counts["wrong"] += 1
            counts.setdefault("examples", []).append(f"{method} {path}: {status} != {expected}")
    writer.close()


async def healthy_get(port):
    """Seconds to answer one GET, or None if it got no 200 within 5 s."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        writer.write(request_bytes("GET", "/hello/ada", b""))
        status = await asyncio.wait_for(read_reply(reader), 5)
        writer.close()
    except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError):
        return None
    return time.monotonic() - started if status == 200 else None


async def hostile(port):
    """Opens the hostile connections, checks a healthy request, and waits for them to be cut."""
    # The writers are kept: a writer that is collected closes its connection.
    slow, writers = [], []
    for _ in range(300):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /hello/ada HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        slow.append(reader)
        writers.append(writer)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6000000\r\n\r\n{")
    drip, writers = reader, writers + [writer]
    latency = await healthy_get(port)
    started = time.monotonic()

    async def closed(reader):
        try:
            await asyncio.wait_for(reader.read(), 60)
            return time.monotonic() - started
        except asyncio.TimeoutError:
            return None

    cut = await asyncio.gather(*(closed(r) for r in slow))
    drip_reply = await asyncio.wait_for(drip.read(), 60)
    for writer in writers:
        writer.close()
    return latency, cut, drip_reply[:12].decode(errors="replace"), time.monotonic() - started


async def main_async(port, pid, seconds, connections):
    ok = True
    latency, cut, drip, waited = await hostile(port)
    held = [c for c in cut if c is None]
    slowest = max((c for c in cut if c is not None), default=0)
    print(f"hostile: healthy GET answered in {latency and round(latency * 1000)} ms while 300 "
          f"connections held half-sent headers; those closed by the server within "
          f"{slowest:.1f} s ({len(held)} still open); the 6 MB body sent a byte at a time "
          f"answered `{drip}` after {waited:.1f} s")
    ok &= latency is not None and not held and drip.startswith("HTTP/1.1 408")

    counts = {"requests": 0, "errors": 0, "wrong": 0}
    samples = []
    deadline = time.monotonic() + seconds
    tasks = [asyncio.create_task(client(port, deadline, counts, i)) for i in range(connections)]
    while time.monotonic() < deadline:
        samples.append(rss_kib(pid))
        await asyncio.sleep(1)
    await asyncio.gather(*tasks)
    quarter = max(1, len(samples) // 4)
    early, late = max(samples[:quarter]), max(samples[-quarter:])
    print(f"load: {counts['requests']} requests in {seconds} s over {connections} connections "
          f"({counts['requests'] / seconds:.0f}/s), {counts['wrong']} wrong statuses, "
          f"{counts['errors']} connection errors")
    print(f"memory (VmRSS): {samples[0]} KiB at the start, {max(samples)} KiB at most, "
          f"{samples[-1]} KiB at the end; first quarter {early} KiB, last quarter {late} KiB")
    for example in counts.get("examples", [])[:5]:
        print("  e.g.", example)
    ok &= counts["wrong"] == 0 and counts["errors"] == 0 and late <= early * 1.5
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "quickstart"],
                   cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "examples", "quickstart")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}"], cwd=ROOT,
                              stderr=subprocess.DEVNULL,
                              env=dict(os.environ, RUST_LOG="error"))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        ok = asyncio.run(main_async(port, server.pid, args.seconds, args.connections))
    finally:
        server.kill()
    print("ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
