#!/usr/bin/env python3
"""End-to-end: the quickstart under cargo-lambda's emulator of the Lambda Runtime API.

`cargo lambda watch --only-lambda-apis` serves the Runtime API on loopback; the quickstart
binary, started with the environment Lambda gives a function, polls it exactly as on Lambda.
Requests then arrive two ways: HTTP requests to the emulator's Function URL endpoint
(`/lambda-url/<function>/...`, turned into Function URL events by cargo-lambda), and raw
events of every source sent with `cargo lambda invoke --data-file`.

(`cargo lambda watch --example` is not used: cargo-lambda resolves function names from the
package's [[bin]] targets, and the quickstart is an example.)

Everything started here is stopped at the end; every wait is bounded. Standard library only.
Run from the repository root: python3 tests/e2e/cargo_lambda.py
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from harness import ROOT, TARGET, check, free_port, stop, summary, wait_for_port

EVENTS = os.path.join(ROOT, "examples", "quickstart", "events")
FUNCTION = "_"  # the name cargo-lambda gives a function started outside it


def http(port, method, path, body=None, headers=None):
    url = f"http://127.0.0.1:{port}/lambda-url/{FUNCTION}{path}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def invoke(port, event_file):
    command = ["cargo", "lambda", "invoke", "-A", "127.0.0.1", "-P", str(port), "--data-file", event_file]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        return done.returncode, done.stdout + done.stderr


def command_line_manners(binary):
    """Outside Lambda the app binary takes a command: help is usage on stdout and exit 0; a
    command it does not know is the mistake and the usage on stderr, and exit 2."""
    env = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_RUNTIME_API"}
    for flag in ["--help", "-h", "help"]:
        done = subprocess.run([binary, flag], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        check(f"the app binary's {flag} prints the usage and exits 0",
              done.returncode == 0 and "usage:" in done.stdout and "serve" in done.stdout,
              f"exit {done.returncode}\n{done.stdout}{done.stderr}")
    done = subprocess.run([binary, "deploy"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    check("an unknown command exits 2 with the usage on stderr",
          done.returncode == 2 and "usage:" in done.stderr and not done.stdout,
          f"exit {done.returncode}\n{done.stdout}{done.stderr}")


def main():
    build = subprocess.run(["cargo", "build", "--quiet", "--example", "quickstart"], cwd=ROOT, timeout=1200)
    if build.returncode != 0:
        print("FAIL the quickstart did not build")
        return 1
    binary = os.path.join(TARGET, "debug", "examples", "quickstart")
    command_line_manners(binary)
    port = free_port()
    processes = []
    try:
        emulator = subprocess.Popen(
            ["cargo", "lambda", "watch", "--only-lambda-apis", "-A", "127.0.0.1", "-P", str(port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        processes.append(emulator)
        if not wait_for_port(port, 60):
            print("FAIL cargo lambda watch did not start")
            return 1
        env = dict(os.environ,
                   AWS_LAMBDA_RUNTIME_API=f"http://127.0.0.1:{port}/.rt",
                   AWS_LAMBDA_FUNCTION_NAME=FUNCTION,
                   AWS_LAMBDA_FUNCTION_VERSION="1",
                   AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
                   RUST_BACKTRACE="0")
        log = open(os.path.join(TARGET, "e2e-quickstart.log"), "w")
        function = subprocess.Popen([binary], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        processes.append(function)

        # HTTP requests, as a browser or curl sends them to a Function URL.
        status, headers, body = http(port, "GET", "/hello/ada")
        check("GET /hello/ada is 200 with the documented body",
              status == 200 and json.loads(body) == {"hello": "ada"}, (status, body))
        check("responses are JSON by default", headers.get("content-type") == "application/json", headers)
        status, _, body = http(port, "GET", "/hello/FINDME")
        check("GET /hello/FINDME is 400 with its message",
              status == 400 and json.loads(body) == {"error_message": "This is not a supported name."}, (status, body))
        status, _, body = http(port, "GET", "/articles/ada/recent")
        check("a year that is not an int is 404", status == 404, (status, body))
        status, headers, body = http(port, "GET", "/articles/ada/1843")
        check("GET /articles/ada/1843 types the year",
              status == 200 and json.loads(body) == {"author_name": "ada", "year": 1843}, (status, body))
        status, headers, body = http(port, "DELETE", "/greetings")
        check("DELETE /greetings is 405 with Allow", status == 405 and headers.get("allow") == "GET, HEAD", (status, headers))
        status, _, body = http(port, "POST", "/events", b'{"name": "granfondo MD"}', {"content-type": "application/json"})
        check("POST /events reads the JSON body", status == 200 and json.loads(body) == {"result": "complete"}, (status, body))
        status, _, body = http(port, "POST", "/events", b'{"name": ', {"content-type": "application/json"})
        check("a malformed JSON body is 400", status == 400 and b"invalid JSON body" in body, (status, body))
        status, headers, body = http(port, "GET", "/greetings")
        check("GET /greetings is the HTML page", status == 200 and b"Hello World" in body
              and headers.get("content-type") == "text/html", (status, headers))
        status, _, body = http(port, "GET", "/panic")
        check("a panicking handler answers 500 without details",
              status == 500 and json.loads(body) == {"error_message": "Internal server error."}, (status, body))
        status, _, body = http(port, "GET", "/hello/after-the-panic")
        check("the function keeps serving after a panic", status == 200 and json.loads(body) == {"hello": "after-the-panic"},
              (status, body))
        status, _, body = http(port, "GET", "/fail")
        check("a failing handler answers 500", status == 500, (status, body))
        status, _, body = http(port, "GET", "/nowhere")
        check("an unknown path is 404", status == 404, (status, body))

        # Raw events of every source, through the same Runtime API.
        shapes = {"rest": "multiValueHeaders", "http": "cookies", "url": "cookies", "alb": "statusDescription"}
        for source, key in shapes.items():
            code, reply = invoke(port, os.path.join(EVENTS, f"{source}-hello.json"))
            ok = code == 0 and isinstance(reply, dict) and reply.get("statusCode") == 200 and key in reply \
                and json.loads(reply["body"]) == {"hello": "ada"}
            check(f"a {source} event is answered in the {source} format", ok, reply)
        for source in shapes:
            code, reply = invoke(port, os.path.join(EVENTS, f"{source}-panic.json"))
            check(f"a {source} event to /panic is a 500 reply", code == 0 and isinstance(reply, dict)
                  and reply.get("statusCode") == 500, reply)
        code, reply = invoke(port, os.path.join(EVENTS, "alb-greetings-delete.json"))
        check("an ALB event to a wrong method is 405", isinstance(reply, dict) and reply.get("statusCode") == 405
              and reply.get("statusDescription") == "405 Method Not Allowed", reply)
        authorizer = os.path.join(ROOT, "tests", "fixtures", "events", "aws_lambda_events",
                                  "example-apigw-custom-auth-request.json")
        code, reply = invoke(port, authorizer)
        check("a non-HTTP event fails the invocation with a clear error",
              "not an HTTP request" in json.dumps(reply), reply)
        code, reply = invoke(port, os.path.join(EVENTS, "http-hello.json"))
        check("the function keeps serving after a refused event", isinstance(reply, dict)
              and reply.get("statusCode") == 200, reply)
        check("the function process is still running", function.poll() is None)
        with open(os.path.join(TARGET, "e2e-quickstart.log")) as f:
            logs = f.read()
        failed = [line for line in logs.splitlines() if "handler failed" in line and 'route="/fail"' in line]
        check("on Lambda a failure's log line names the request id once, in the runtime's span",
              len(failed) == 1 and "Lambda runtime invoke{requestId=" in failed[0]
              and '}:request{method="GET" cold_start=' in failed[0] and "request_id" not in failed[0],
              logs[-3000:])
        status, headers, body = http(port, "HEAD", "/greetings")
        check("HEAD answers without a body", status == 200 and body == b"", (status, body))

        # Local mode: the same binary outside Lambda.
        local_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
        serve_port = free_port()
        for source in ["rest", "alb", "http", "url"]:
            server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{serve_port}", "--source", source],
                                      cwd=ROOT, env=local_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      start_new_session=True)
            processes.append(server)
            if not wait_for_port(serve_port, 30):
                check(f"serve --source {source} starts", False)
                continue
            url = f"http://127.0.0.1:{serve_port}"
            with urllib.request.urlopen(f"{url}/hello/caf%C3%A9", timeout=30) as response:
                check(f"serve --source {source}: percent-encoded path decoded once",
                      json.loads(response.read()) == {"hello": "café"})
            try:
                urllib.request.urlopen(urllib.request.Request(f"{url}/greetings", method="PUT"), timeout=30)
                check(f"serve --source {source}: 405", False)
            except urllib.error.HTTPError as error:
                check(f"serve --source {source}: 405 with Allow", error.code == 405 and error.headers["allow"] == "GET, HEAD")
            if source == "rest":
                busy = subprocess.run([binary, "serve", "--addr", f"127.0.0.1:{serve_port}"], cwd=ROOT, env=local_env,
                                      capture_output=True, text=True, timeout=30)
                check("serve on a port in use is a one-line error", busy.returncode != 0
                      and busy.stderr.strip().count("\n") == 0 and "cannot listen" in busy.stderr, busy.stderr)
            stop(server)
        missing = subprocess.run([binary, "invoke", "missing.json"], cwd=ROOT, env=local_env, capture_output=True,
                                 text=True, timeout=30)
        check("invoke of a missing file is a one-line error", missing.returncode != 0
              and "cannot read event file" in missing.stderr and missing.stderr.strip().count("\n") == 0, missing.stderr)
        piped = subprocess.run([binary, "invoke", "-"], cwd=ROOT, env=local_env, capture_output=True, timeout=30,
                               input=open(os.path.join(EVENTS, "alb-hello.json"), "rb").read())
        check("invoke - reads the event from stdin", piped.returncode == 0
              and json.loads(piped.stdout)["statusDescription"] == "200 OK", piped.stderr)

        stop(function)
        streaming_example(port, env, processes)
    finally:
        for process in reversed(processes):
            stop(process)
    return summary()


def streaming_example(port, env, processes):
    """The streaming example (`invoke_mode = "stream"`) under the same emulator, which reads a
    streamed reply whole: a Function URL event's body arrives complete after the prelude, an
    HTTP request (an HTTP API event for minik, which cannot stream) gets one buffered reply."""
    build = subprocess.run(["cargo", "build", "--quiet", "--example", "streaming"], cwd=ROOT, timeout=1200)
    if build.returncode != 0:
        check("the streaming example builds", False)
        return
    binary = os.path.join(TARGET, "debug", "examples", "streaming")
    log = open(os.path.join(TARGET, "e2e-streaming.log"), "w")
    function = subprocess.Popen([binary], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    processes.append(function)
    events = os.path.join(ROOT, "examples", "streaming", "events")

    def streamed(name):
        command = ["cargo", "lambda", "invoke", "-A", "127.0.0.1", "-P", str(port), "--data-file",
                   os.path.join(events, name)]
        return subprocess.run(command, capture_output=True, timeout=60)

    ticks = b"event: tick\nid: 1\ndata: 1\n\nevent: tick\nid: 2\ndata: 2\n\nevent: tick\nid: 3\ndata: 3\n\n"
    done = streamed("url-ticks.json")
    check("a Function URL event is answered with the streamed events", done.returncode == 0
          and done.stdout.startswith(ticks), done.stdout + done.stderr)
    done = streamed("url-export.json")
    lines = done.stdout.split(b"\n")
    check("the streamed CSV export is larger than a buffered reply may be", done.returncode == 0
          and len(done.stdout) > 6 * 1024 * 1024 and lines[0] == b"id,name,price_cents"
          and lines[200_000].startswith(b"199999,"), (len(done.stdout), done.stderr))
    done = streamed("url-broken.json")
    check("a stream that panics ends after its first chunk", done.stdout.startswith(b"first chunk\n")
          and b"{" not in done.stdout, done.stdout + done.stderr)
    status, headers, body = http(port, "GET", "/ticks/3")
    check("an HTTP request through the emulator gets the events buffered", status == 200 and body == ticks
          and headers.get("content-type") == "text/event-stream", (status, headers, body))
    check("the streaming function is still running", function.poll() is None)
    stop(function)


if __name__ == "__main__":
    sys.exit(main())
