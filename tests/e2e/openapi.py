#!/usr/bin/env python3
"""`minik openapi` output, and the document the openapi example serves, validated against the
OpenAPI 3.0 schema (openapi-spec-validator).

Run from the repository root after `pip install openapi-spec-validator`:
    python3 tests/e2e/openapi.py
"""
import json
import os
import subprocess
import sys

from openapi_spec_validator import validate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = [
    "routes.example.toml",
    "examples/quickstart/routes.toml",
    "examples/cors/routes.toml",
    "examples/observability/routes.toml",
    "examples/openapi/routes.toml",
    "examples/testing/routes.toml",
    "tests/fixtures/routes/valid/matching.toml",
    "tests/fixtures/routes/valid/contract.toml",
]
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:quickstart"

passed = failed = 0
for file in FILES:
    for extra in ([], ["--aws-integration", ARN]):
        command = ["cargo", "run", "--quiet", "--bin", "minik", "--", "openapi", file, *extra]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        name = " ".join([file, *extra])
        try:
            validate(json.loads(done.stdout))
            passed += 1
            print(f"ok   {name}")
        except Exception as error:  # the validator's errors and JSON errors alike
            failed += 1
            print(f"FAIL {name}: {error} {done.stderr}")

# The document the openapi example serves at GET /openapi.json (its `info` edited at startup).
event = "examples/openapi/events/http-openapi.json"
command = ["cargo", "run", "--quiet", "--example", "openapi", "--", "invoke", event]
done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
try:
    validate(json.loads(json.loads(done.stdout)["body"]))
    passed += 1
    print(f"ok   served by examples/openapi ({event})")
except Exception as error:
    failed += 1
    print(f"FAIL served by examples/openapi ({event}): {error} {done.stderr}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
