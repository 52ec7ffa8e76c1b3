#!/usr/bin/env python3
"""Writes the events of the cors, openapi and observability examples: one per request and source.

As for the quickstart (examples/quickstart/events/generate.py), each event is a real event
written by AWS or a peer project (tests/fixtures/events, see the README there for provenance
and licences) with only the request line, the body and the named headers changed, so the rest
of each event (headers, request context) is what the source really sends.

Run from the repository root: python3 examples/events.py
"""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/fixtures/events"

TEMPLATES = {
    "rest": "aws_lambda_events/example-apigw-request.json",
    "http": "aws_lambda_events/example-apigw-v2-request-no-authorizer.json",
    "alb": "lambda_http/alb_request.json",
    "url": "powertools-lambda-python/lambdaFunctionUrlEvent.json",
}

APP = "https://notes.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

# example -> [(name, method, path, headers, body)]
REQUESTS = {
    "cors": [
        ("notes", "GET", "/notes", {"Origin": APP}, None),
        ("notes-preflight", "OPTIONS", "/notes", {"Origin": APP, **PREFLIGHT}, None),
        ("notes-other-origin", "GET", "/notes", {"Origin": "https://elsewhere.example"}, None),
        ("create-note", "POST", "/notes", {"Origin": APP}, '{"text": "buy milk"}'),
        ("session", "GET", "/session", {"Origin": APP, "Cookie": "session=ada"}, None),
        ("health", "GET", "/health", {"Origin": "https://status.example"}, None),
        ("webhook-preflight", "OPTIONS", "/webhooks/payments", {"Origin": APP, **PREFLIGHT}, None),
    ],
    "openapi": [
        ("openapi", "GET", "/openapi.json", {}, None),
        ("book", "GET", "/books/978-0141439518", {}, None),
    ],
    "observability": [
        ("order", "GET", "/orders/42", {}, None),
        ("order-missing", "GET", "/orders/7", {}, None),
        ("create-order", "POST", "/orders", {}, '{"item": "tea", "quantity": 2}'),
        ("create-order-invalid", "POST", "/orders", {}, '{"item": "tea", "quantity": 0}'),
        ("report", "GET", "/report", {}, None),
    ],
}


def rest(event, method, path, headers, body):
    event.update(path=path, httpMethod=method, resource="/{proxy+}", body=body)
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    event["queryStringParameters"] = None
    event["multiValueQueryStringParameters"] = None
    event["requestContext"].update(path=path, httpMethod=method, resourcePath="/{proxy+}")
    # A REST API sends each header in both maps, with the client's capitalisation.
    for name, value in headers.items():
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]


def http(event, method, path, headers, body):
    event.update(rawPath=path, rawQueryString="", body=body, isBase64Encoded=False)
    event.pop("queryStringParameters", None)
    event["requestContext"]["http"].update(method=method, path=path)
    event["headers"].pop("content-length", None)
    if body is not None:
        event["headers"]["content-type"] = "application/json"
    # HTTP APIs and Function URLs lowercase header names; a Cookie header arrives in `cookies`.
    for name, value in headers.items():
        if name == "Cookie":
            event["cookies"] = value.split("; ")
        else:
            event["headers"][name.lower()] = value


def alb(event, method, path, headers, body):
    event.update(path=path, httpMethod=method, body=body or "", queryStringParameters={})
    if body is not None:
        event["headers"]["content-type"] = "application/json"
    for name, value in headers.items():
        event["headers"][name.lower()] = value


SHAPERS = {"rest": rest, "http": http, "alb": alb, "url": http}

for example, requests in REQUESTS.items():
    out = ROOT / "examples" / example / "events"
    out.mkdir(exist_ok=True)
    for source, template in TEMPLATES.items():
        base = json.loads((FIXTURES / template).read_text())
        for name, method, path, headers, body in requests:
            event = copy.deepcopy(base)
            SHAPERS[source](event, method, path, headers, body)
            (out / f"{source}-{name}.json").write_text(json.dumps(event, indent=2) + "\n")
