#!/usr/bin/env python3
"""Cold start: the quickstart's Lambda binary on minik against the same app on lambda_http + axum.

    python3 benches/coldstart.py [RUNS]          # builds both binaries, 40 runs each by default
    python3 benches/coldstart.py --check BINARY  # one run of BINARY, its replies printed

Both binaries are built with the release profile of benches/Cargo.toml (fat LTO, one codegen
unit, stripped), minik's without local mode (`--no-default-features`), as a Lambda deployment
ships. Each run spawns the binary against a fake Lambda Runtime API on loopback (this script:
it answers `GET /2018-06-01/runtime/invocation/next` with a real API Gateway event and records
the reply the function posts), and measures spawn -> first `GET /next` (the init phase: the
process starts, builds its app and asks for work) and spawn -> first reply posted (the first
invocation included). The contenders alternate, run after run; the figures are medians and
90th percentiles of each, and the ratio of medians. Every reply is checked: status 200 and the
quickstart's body.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EVENT_FILE = os.path.join(ROOT, "tests", "fixtures", "events", "aws_lambda_events", "example-apigw-v2-request-iam.json")
RELEASE = os.path.join(HERE, "target", "release")


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


class Run:
    """What one run saw, stamped with `time.perf_counter_ns`."""

    def __init__(self):
        self.first_next = None
        self.reply_at = None
        self.reply = None
        self.done = threading.Event()
        self.served = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        run = self.server.current
        if self.path != "/2018-06-01/runtime/invocation/next":
            self.send_error(404)
            return
        if run.first_next is None:
            run.first_next = time.perf_counter_ns()
        if run.served:
            # The second poll: the run is over, the process is killed while it waits.
            run.done.wait(5)
            return
        run.served = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(EVENT)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                         "arn:aws:lambda:us-east-1:123456789012:function:quickstart")
        self.send_header("Lambda-Runtime-Trace-Id",
                         "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
        self.end_headers()
        self.wfile.write(EVENT)

    def do_POST(self):
        run = self.server.current
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if run.reply_at is None:
            run.reply_at = time.perf_counter_ns()
            run.reply = (self.path, body)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        run.done.set()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed process resets its connection: expected, not worth a traceback


def start_server():
    server = Server(("127.0.0.1", 0), Handler)
    server.current = Run()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def one_run(server, binary):
    """Spawns `binary` against the fake Runtime API: (ms to first GET /next, ms to reply, reply)."""
    run = Run()
    server.current = run
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="quickstart", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="$LATEST", AWS_LAMBDA_LOG_STREAM_NAME="stream",
               AWS_LAMBDA_LOG_GROUP_NAME="group")
    start = time.perf_counter_ns()
    child = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finished = run.done.wait(10)
    child.kill()
    child.wait()
    if not finished or run.first_next is None:
        raise SystemExit(f"{binary}: no reply within 10 s")
    return (run.first_next - start) / 1e6, (run.reply_at - start) / 1e6, run.reply


def check(reply):
    path, body = reply
    assert path.endswith("/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response"), path
    reply = json.loads(body)
    assert reply["statusCode"] == 200, reply
    assert json.loads(reply["body"]) == {"hello": "world"}, reply


def p90(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]


def build():
    for args in (["--bin", "axum_quickstart"], ["--bin", "minik_quickstart", "--no-default-features"]):
        subprocess.run(["cargo", "build", "--release", *args], cwd=HERE, check=True)
    # The Lambda-only build is copied aside: the default build of the same name replaces it.
    lambda_only = os.path.join(RELEASE, "minik_quickstart_lambda")
    os.replace(os.path.join(RELEASE, "minik_quickstart"), lambda_only)
    return {"minik": lambda_only, "lambda_http+axum": os.path.join(RELEASE, "axum_quickstart")}


def measure(runs=40):
    """Medians and p90s of both contenders, alternating: {name: {...}}."""
    binaries = build()
    server = start_server()
    times = {name: ([], []) for name in binaries}
    for name, binary in binaries.items():  # one warm-up run each: the page cache, the server
        check(one_run(server, binary)[2])
    for i in range(runs):
        order = list(binaries.items()) if i % 2 == 0 else list(binaries.items())[::-1]
        for name, binary in order:
            to_next, to_reply, reply = one_run(server, binary)
            check(reply)
            times[name][0].append(to_next)
            times[name][1].append(to_reply)
    server.shutdown()
    return {name: {"next_median": statistics.median(a), "next_p90": p90(a),
                   "reply_median": statistics.median(b), "reply_p90": p90(b), "runs": len(a)}
            for name, (a, b) in times.items()}


def main():
    if "--check" in sys.argv:
        binary = sys.argv[sys.argv.index("--check") + 1]
        server = start_server()
        to_next, to_reply, reply = one_run(server, binary)
        print(f"first GET /next after {to_next:.2f} ms, reply after {to_reply:.2f} ms")
        print(reply[0], reply[1].decode())
        check(reply)
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    results = measure(runs)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
