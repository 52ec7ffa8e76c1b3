#!/usr/bin/env python3
"""The README's commands, and those in the examples' doc comments, run as written.

Every ```sh block of README.md and of the `//!` comments of examples/*/main.rs is run from the
repository root, line by line (a line ending in `\\` continues on the next):

- an ordinary command must exit 0;
- a `... -- serve` command is started in the background, on a free port instead of 3000
  (`--addr 127.0.0.1:PORT` is appended), and stopped at the end of its block;
- a `curl` line is sent to that server (here, with urllib: curl need not be installed), and
  checked against its comment when the comment starts with a status (`# 404: ...`, `# 200 {..}`)
  or a JSON body (`# {"hello":"ada"}`).

A block not meant to run (it deploys to AWS, installs into ~/.cargo/bin, needs a project's own
files) is marked by an HTML comment on the line before its fence, with the reason:

    <!-- not run: deploys to AWS; tests/e2e/sam_build.py builds the templates -->

Files named in every block, run or not (a path with a `/` and a file extension, or the value
of `--path`, `--template-file`, `--manifest-path`), must exist. Files the commands create in the
repository (`> openapi.json`) are removed afterwards.

Last, the README's `[dependencies]` block must say what `minik new` writes in a project's
Cargo.toml (the same crates, versions and features; `path` may differ).

Standard library only. Run from anywhere: python3 tests/e2e/readme_commands.py
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request

from harness import ROOT, check, free_port, stop, summary, wait_for_port

SKIP = re.compile(r"^<!--\s*not run:\s*(\S.*?)\s*-->$")
# A comment after a command: whitespace, `#`, whitespace (a `#` inside a word is not one).
COMMENT = re.compile(r"\s+#\s+(.*)$")
PATH_OPTIONS = {"--path", "--template-file", "--manifest-path"}


def blocks(source, lines):
    """The ```sh blocks of a markdown text: (where, skip reason or None, lines)."""
    found, inside, previous = [], None, ""
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if inside is None and stripped == "```sh":
            match = SKIP.match(previous)
            inside = (f"{source}:{number}", match.group(1) if match else None, [])
        elif inside is not None and stripped == "```":
            found.append(inside)
            inside = None
        elif inside is not None:
            inside[2].append(line.rstrip("\n"))
        if stripped:
            previous = stripped
    return found


def all_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        found = blocks("README.md", readme.readlines())
    for main in sorted(glob.glob(os.path.join(ROOT, "examples", "*", "main.rs"))):
        with open(main, encoding="utf-8") as source:
            docs = [line[4:] if line.startswith("//! ") else "" for line in source if line.startswith("//!")]
        found += blocks(os.path.relpath(main, ROOT), docs)
    return found


def commands(lines):
    """Logical lines (continuations joined), without comment-only lines."""
    joined, pending = [], ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if line.strip() and not line.strip().startswith("#"):
            joined.append(line.strip())
    return joined


def split_comment(line):
    match = COMMENT.search(line)
    return (line[:match.start()], match.group(1)) if match else (line, "")


def named_files(command):
    """Repository files a command names."""
    try:
        words = shlex.split(command)
    except ValueError:
        return []
    if words[:1] == ["curl"]:
        return []  # URLs, not files
    named = []
    for previous, word in zip([""] + words, words):
        if "://" in word or word.startswith("-") or previous == ">":
            continue
        if previous in PATH_OPTIONS or ("/" in word and re.search(r"\.(json|toml|yaml|rs|py)$", word)):
            named.append(word)
    return named


def curl(command, port):
    """Sends what a curl command line asks for; returns (status, body)."""
    words = shlex.split(command)[1:]
    method, headers, data, url = None, {}, None, None
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-X", "-H", "-d"):
            value = words[index + 1]
            index += 1
            if word == "-X":
                method = value
            elif word == "-H":
                name, _, header_value = value.partition(":")
                headers[name.strip()] = header_value.strip()
            else:
                data = value.encode()
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif not word.startswith("-"):
            url = word
        index += 1
    url = "http://" + url.replace("localhost:3000", f"127.0.0.1:{port}")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_curl(where, command, expectation, port):
    name = f"{where}: {command}"
    try:
        status, body = curl(command, port)
    except (OSError, ValueError, IndexError) as error:
        check(name, False, error)
        return
    wanted = re.match(r"(\d{3})\b", expectation)
    if wanted and int(wanted.group(1)) != status:
        check(name, False, f"status {status}, the comment says {wanted.group(1)}: {body[:200]!r}")
        return
    brace = expectation.find("{")
    if brace >= 0 and (wanted or brace == 0):
        try:
            expected = json.loads(expectation[brace:])
        except ValueError:
            expected = None
        if expected is not None and json.loads(body or b"null") != expected:
            check(name, False, f"body {body[:200]!r}, the comment says {expected}")
            return
    check(name, True)


def run_block(where, lines, log):
    servers, port = [], None
    try:
        for line in commands(lines):
            command, expectation = split_comment(line)
            command = command.strip()
            if command.startswith("curl "):
                if port is None:
                    check(f"{where}: {command}", False, "no server started before it")
                    continue
                check_curl(where, command, expectation, port)
            elif re.search(r"-- serve\b", command):
                port = free_port()
                server = subprocess.Popen(["bash", "-c", f"{command} --addr 127.0.0.1:{port}"], cwd=ROOT,
                                          stdout=log, stderr=log, start_new_session=True)
                servers.append(server)
                check(f"{where}: {command}", wait_for_port(port, 900, server), "did not start listening")
            else:
                done = subprocess.run(["bash", "-c", command], cwd=ROOT, stdout=log, stderr=log, timeout=1800)
                check(f"{where}: {command}", done.returncode == 0, f"exit {done.returncode}; see {log.name}")
    finally:
        for server in servers:
            stop(server)


def untracked():
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True)
    return set(filter(None, listed.stdout.decode().split("\0")))


def dependency_block_agrees():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        text = readme.read()
    match = re.search(r"```toml\n(\[dependencies\]\n.*?)```", text, re.S)
    if not match:
        check("README has a [dependencies] block", False)
        return
    readme_deps = tomllib.loads(match.group(1))["dependencies"]
    with tempfile.TemporaryDirectory() as scratch:
        project = os.path.join(scratch, "hello")
        made = subprocess.run(["cargo", "run", "--quiet", "--bin", "minik", "--", "new", project,
                               "--minik-path", ROOT], cwd=ROOT, capture_output=True, text=True, timeout=1200)
        if made.returncode != 0:
            check("minik new writes a project", False, made.stderr)
            return
        with open(os.path.join(project, "Cargo.toml"), "rb") as manifest:
            generated = tomllib.load(manifest)["dependencies"]
    for deps in (readme_deps, generated):
        if isinstance(deps.get("minik"), dict):
            deps["minik"].pop("path", None)
    check("the README's [dependencies] block is what minik new writes (path aside)", readme_deps == generated,
          f"README {readme_deps} != generated {generated}")


def release_build_survives_a_panic():
    """The README's `cargo lambda build --release --example quickstart` keeps unwinding."""
    bootstrap = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"), "lambda", "quickstart", "bootstrap")
    if not os.path.isfile(bootstrap):
        check("the README's cargo lambda build left the quickstart's bootstrap", False, bootstrap)
        return
    event = os.path.join(ROOT, "examples", "quickstart", "events", "rest-panic.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    done = subprocess.run([bootstrap, "invoke", event], env=env, capture_output=True, timeout=60)
    try:
        status = json.loads(done.stdout).get("statusCode")
    except ValueError:
        status = None
    check("the release bootstrap answers a panicking handler with a 500 (panic = unwind)",
          done.returncode == 0 and status == 500, f"exit {done.returncode}, status {status}")


def main():
    before = untracked()
    log_path = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"), "e2e-readme-commands.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    try:
        with open(log_path, "w") as log:
            for where, skip, lines in all_blocks():
                for line in commands(lines):
                    for file in named_files(split_comment(line)[0]):
                        check(f"{where}: `{file}` exists", os.path.exists(os.path.join(ROOT, file)))
                if skip:
                    print(f"skip {where}: {skip}")
                    continue
                run_block(where, lines, log)
        dependency_block_agrees()
        release_build_survives_a_panic()
    finally:
        for created in untracked() - before:
            os.remove(os.path.join(ROOT, created))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
