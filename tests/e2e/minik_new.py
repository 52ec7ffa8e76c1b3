#!/usr/bin/env python3
"""End-to-end: `minik new` writes a project that works as generated.

In a temporary directory: `minik new hello-api` (depending on this checkout by path), then in
the project `minik check routes.toml`, `cargo test`, and `cargo lambda build --release --arm64`
(the architecture of its template.yaml; skipped with --no-lambda). Also the refusals: a directory that is not empty and an invalid name are
exit 1, a bad command line exit 2, and `minik --help` lists every command.

The project builds into <target>/apps (CARGO_TARGET_DIR, or target/), shared between runs and
with tests/e2e/sam_build.py, whose arm64 release build then reuses the dependencies built here.

Standard library only. Run from anywhere: python3 tests/e2e/minik_new.py [--no-lambda]
"""
import os
import shutil
import subprocess
import sys
import tempfile

from harness import ROOT, TARGET, check, summary

FILES = ["Cargo.toml", "routes.toml", "src/lib.rs", "src/main.rs", "tests/routes.rs", "template.yaml",
         ".github/workflows/ci.yml", ".gitignore"]


def run(command, cwd, env=None, timeout=1800):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def main():
    lambda_build = "--no-lambda" not in sys.argv[1:]
    build = subprocess.run(["cargo", "build", "--quiet", "--bin", "minik"], cwd=ROOT, timeout=1800)
    if build.returncode != 0:
        print("FAIL the minik CLI did not build")
        return 1
    minik = os.path.join(TARGET, "debug", "minik")

    usage = run([minik, "--help"], ROOT)
    check("minik --help lists new, check, routes and openapi", usage.returncode == 0
          and all(f"\n  {command} " in usage.stdout for command in ["new", "check", "routes", "openapi"]), usage.stdout)
    bad = run([minik, "new"], ROOT)
    check("minik new without a name is a bad command line (exit 2)", bad.returncode == 2, bad.stderr)

    scratch = tempfile.mkdtemp(prefix="minik-new-")
    try:
        project = os.path.join(scratch, "hello-api")
        made = run([minik, "new", project, "--minik-path", ROOT], scratch)
        check("minik new hello-api exits 0", made.returncode == 0, made.stderr)
        missing = [file for file in FILES if not os.path.isfile(os.path.join(project, file))]
        check("it writes every file of the project", not missing, missing)
        with open(os.path.join(project, "Cargo.toml")) as manifest:
            cargo_toml = manifest.read()
        check("Cargo.toml depends on this checkout by path",
              f'minik = {{ version = "0.1", path = "{os.path.realpath(ROOT)}" }}' in cargo_toml, cargo_toml)
        check("Cargo.toml keeps unwinding in release (a panicking handler is a 500)",
              'panic = "unwind"' in cargo_toml and 'lto = "fat"' in cargo_toml, cargo_toml)

        again = run([minik, "new", project], scratch)
        check("a directory that is not empty is refused (exit 1)",
              again.returncode == 1 and "not empty" in again.stderr, again.stderr)
        invalid = run([minik, "new", os.path.join(scratch, "2fast")], scratch)
        check("an invalid package name is refused (exit 1)", invalid.returncode == 1
              and "not a valid package name" in invalid.stderr and not os.path.exists(os.path.join(scratch, "2fast")),
              invalid.stderr)

        checked = run([minik, "check", "routes.toml"], project)
        check("minik check routes.toml passes in the project",
              checked.returncode == 0 and checked.stdout == "routes.toml: ok, 4 routes\n", checked.stdout + checked.stderr)

        env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(TARGET, "apps"))
        tested = run(["cargo", "test"], project, env)
        check("cargo test passes in the project", tested.returncode == 0
              and "test routes_and_handlers_agree ... ok" in tested.stdout, tested.stdout[-2000:] + tested.stderr[-3000:])

        if lambda_build:
            built = run(["cargo", "lambda", "build", "--release", "--arm64"], project, env)
            bootstrap = os.path.join(TARGET, "apps", "lambda", "hello-api", "bootstrap")
            check("cargo lambda build --release --arm64 builds its bootstrap", built.returncode == 0
                  and os.path.isfile(bootstrap), built.stderr[-3000:])
            if os.path.isfile(bootstrap):
                print(f"     bootstrap: {os.path.getsize(bootstrap)} bytes")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
