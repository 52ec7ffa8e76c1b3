#!/usr/bin/env python3
"""Cold start: the quickstart's Lambda binary on minik against the same app on lambda_http + axum.

    python3 benches/coldstart.py [RUNS]          # builds the binaries, 40 runs each by default
    python3 benches/coldstart.py --check BINARY  # one run of BINARY, its replies printed

A third binary, `runtime_floor`, answers the same request on lambda_runtime alone (no framework,
no router, no subscriber): the floor, what the process and the official runtime cost before any
framework does anything. The binaries are built with the release profile of benches/Cargo.toml (fat LTO, one codegen
unit, stripped; in target/lambda), minik's without local mode (`--no-default-features`), as a Lambda deployment
ships. Each run spawns the binary against a fake Lambda Runtime API on loopback (this script:
it answers `GET /2018-06-01/runtime/invocation/next` with a real API Gateway event and records
the reply the function posts), and measures spawn -> first `GET /next` (the init phase: the
process starts, builds its app and asks for work) and spawn -> first reply posted (the first
invocation included). The contenders take turns, in a rotating order; the figures are medians and
90th percentiles of each, and the ratio of medians. Every reply is checked: status 200 and the
quickstart's body.
"""
import json
import os
import statistics
import subprocess
import sys
import selectors
import socket
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EVENT_FILE = os.path.join(ROOT, "tests", "fixtures", "events", "aws_lambda_events", "example-apigw-v2-request-iam.json")
# A target directory of their own: `cargo bench` writes its builds of the same binaries (bench
# profile: no LTO, not stripped) to target/release.
TARGET = os.path.join(HERE, "target", "lambda")
RELEASE = os.path.join(TARGET, "release")


def quickstart_event():
    """An HTTP API event for `GET /hello/world`, as API Gateway sends it."""
    with open(EVENT_FILE) as f:
        event = json.load(f)
    event["rawPath"] = "/hello/world"
    event["routeKey"] = "$default"
    event["rawQueryString"] = ""
    event.pop("queryStringParameters", None)
    event.pop("pathParameters", None)
    event["body"] = None
    event["isBase64Encoded"] = False
    event["requestContext"]["http"]["method"] = "GET"
    event["requestContext"]["http"]["path"] = "/hello/world"
    return json.dumps(event).encode()


EVENT = quickstart_event()


REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"


def next_response():
    """The Runtime API's answer to `GET /next`: the event, with the invocation's headers."""
    deadline = int(time.time() * 1000) + 30_000
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(EVENT)}\r\n"
        f"Lambda-Runtime-Aws-Request-Id: {REQUEST_ID}\r\n"
        f"Lambda-Runtime-Deadline-Ms: {deadline}\r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:quickstart\r\n"
        "Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1\r\n"
        "\r\n"
    )
    return head.encode() + EVENT


def requests_in(buffer):
    """Complete HTTP requests at the start of `buffer`: ([(method, path, body)], rest)."""
    found = []
    while b"\r\n\r\n" in buffer:
        head, rest = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if len(rest) < length:
            break
        found.append((method, path, rest[:length]))
        buffer = rest[length:]
    return found, buffer


def one_run(binary):
    """Spawns `binary` against a fake Runtime API of its own, served by this thread alone (no
    other thread to wait for): (ms to first GET /next, ms to the reply, (path, reply))."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{listener.getsockname()[1]}",
               AWS_LAMBDA_FUNCTION_NAME="quickstart", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="$LATEST", AWS_LAMBDA_LOG_STREAM_NAME="stream",
               AWS_LAMBDA_LOG_GROUP_NAME="group")
    first_next = reply_at = reply = None
    served = False
    buffers = {}
    start = time.perf_counter_ns()
    child = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    limit = time.monotonic() + 10
    while reply is None and time.monotonic() < limit:
        for key, _ in selector.select(timeout=0.5):
            if key.fileobj is listener:
                connection, _ = listener.accept()
                connection.setblocking(False)
                selector.register(connection, selectors.EVENT_READ)
                buffers[connection] = b""
                continue
            connection = key.fileobj
            data = connection.recv(65536)
            if not data:
                selector.unregister(connection)
                connection.close()
                continue
            requests, buffers[connection] = requests_in(buffers[connection] + data)
            for method, path, body in requests:
                now = time.perf_counter_ns()
                if method == "GET" and path == "/2018-06-01/runtime/invocation/next":
                    if first_next is None:
                        first_next = now
                    if not served:
                        served = True
                        connection.sendall(next_response())
                elif method == "POST" and reply is None:
                    reply_at, reply = now, (path, body)
                    connection.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
    child.kill()
    child.wait()
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    selector.close()
    if reply is None:
        raise SystemExit(f"{binary}: no reply within 10 s")
    return (first_next - start) / 1e6, (reply_at - start) / 1e6, reply


def check(reply):
    path, body = reply
    assert path.endswith(f"/{REQUEST_ID}/response"), path
    reply = json.loads(body)
    assert reply["statusCode"] == 200, reply
    assert json.loads(reply["body"]) == {"hello": "world"}, reply


def p90(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]


def build():
    for args in (["--bin", "axum_quickstart"], ["--bin", "runtime_floor"],
                 ["--bin", "minik_quickstart", "--bin", "cold_build", "--no-default-features"]):
        subprocess.run(["cargo", "build", "--release", "--target-dir", TARGET, *args], cwd=HERE, check=True)
    # The Lambda-only build is copied aside: the default build of the same name replaces it.
    lambda_only = os.path.join(RELEASE, "minik_quickstart_lambda")
    os.replace(os.path.join(RELEASE, "minik_quickstart"), lambda_only)
    return {"minik": lambda_only, "lambda_http+axum": os.path.join(RELEASE, "axum_quickstart"),
            "lambda_runtime alone": os.path.join(RELEASE, "runtime_floor")}


def build_times(runs):
    """The quickstart's routes build in fresh processes (`cold_build`): medians of the first
    build (cold) and of a second one in the same process (warm), in ms."""
    cold, warm = [], []
    for _ in range(runs):
        out = subprocess.run([os.path.join(RELEASE, "cold_build")], capture_output=True, text=True,
                             check=True).stdout.split()
        cold.append(int(out[0]) / 1e6)
        warm.append(int(out[1]) / 1e6)
    return {"cold_median": statistics.median(cold), "warm_median": statistics.median(warm)}


def measure(runs=40):
    """Medians and p90s of each binary, in a rotating order: {name: {...}}."""
    binaries = build()
    times = {name: ([], []) for name in binaries}
    for name, binary in binaries.items():  # one warm-up run each: the page cache, the server
        check(one_run(binary)[2])
    for i in range(runs):
        contenders = list(binaries.items())
        order = contenders[i % len(contenders):] + contenders[:i % len(contenders)]
        for name, binary in order:
            to_next, to_reply, reply = one_run(binary)
            check(reply)
            times[name][0].append(to_next)
            times[name][1].append(to_reply)
    results = {name: {"next_median": statistics.median(a), "next_p90": p90(a),
                      "reply_median": statistics.median(b), "reply_p90": p90(b), "runs": len(a)}
               for name, (a, b) in times.items()}
    results["routes build"] = build_times(runs)
    return results


def main():
    if "--check" in sys.argv:
        binary = sys.argv[sys.argv.index("--check") + 1]
        to_next, to_reply, reply = one_run(binary)
        print(f"first GET /next after {to_next:.2f} ms, reply after {to_reply:.2f} ms")
        print(reply[0], reply[1].decode())
        check(reply)
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    results = measure(runs)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
