#!/usr/bin/env python3
"""Writes the quickstart's events: one per route and per source.

Each event is a real event written by AWS or a peer project (tests/fixtures/events, see the
README there for provenance and licences) with only the request line and body changed, so the
rest of each event (headers, request context) is what the source really sends.

Run from the repository root: python3 examples/quickstart/events/generate.py
"""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests/fixtures/events"
OUT = pathlib.Path(__file__).resolve().parent

TEMPLATES = {
    "rest": "aws_lambda_events/example-apigw-request.json",
    "http": "aws_lambda_events/example-apigw-v2-request-no-authorizer.json",
    "alb": "lambda_http/alb_request.json",
    "url": "powertools-lambda-python/lambdaFunctionUrlEvent.json",
}

REQUESTS = [
    ("hello", "GET", "/hello/ada", None),
    ("hello-findme", "GET", "/hello/FINDME", None),
    ("events-location", "GET", "/events/silver-spring", None),
    ("post-events", "POST", "/events", '{"name": "granfondo MD", "date": "2026-05-02"}'),
    ("articles", "GET", "/articles/ada/1843", None),
    ("articles-not-an-int", "GET", "/articles/ada/recent", None),
    ("articles-html", "GET", "/html/articles/ada/1843", None),
    ("greetings", "GET", "/greetings", None),
    ("greetings-delete", "DELETE", "/greetings", None),
    ("fail", "GET", "/fail", None),
    ("panic", "GET", "/panic", None),
]


def rest(event, method, path, body):
    event.update(path=path, httpMethod=method, resource="/{proxy+}", body=body)
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    event["queryStringParameters"] = None
    event["multiValueQueryStringParameters"] = None
    event["requestContext"].update(path=path, httpMethod=method, resourcePath="/{proxy+}")


def http(event, method, path, body):
    event.update(rawPath=path, rawQueryString="", body=body, isBase64Encoded=False)
    event.pop("queryStringParameters", None)
    event["requestContext"]["http"].update(method=method, path=path)


def alb(event, method, path, body):
    event.update(path=path, httpMethod=method, body=body or "", queryStringParameters={})


SHAPERS = {"rest": rest, "http": http, "alb": alb, "url": http}

def json_body(event, source):
    """A request with a body says it is JSON, as clients sending JSON do (`Json<T>` refuses a
    body whose Content-Type says otherwise). The template's own Content-Type is replaced."""
    if source == "rest":
        for headers in (event["headers"], event["multiValueHeaders"]):
            for name in [n for n in headers if n.lower() == "content-type"]:
                del headers[name]
        event["headers"]["Content-Type"] = "application/json"
        event["multiValueHeaders"]["Content-Type"] = ["application/json"]
    else:
        for name in [n for n in event["headers"] if n.lower() == "content-type"]:
            del event["headers"][name]
        event["headers"]["content-type"] = "application/json"


for source, template in TEMPLATES.items():
    base = json.loads((FIXTURES / template).read_text())
    for name, method, path, body in REQUESTS:
        event = copy.deepcopy(base)
        SHAPERS[source](event, method, path, body)
        if body is not None:
            json_body(event, source)
        (OUT / f"{source}-{name}.json").write_text(json.dumps(event, indent=2) + "\n")
