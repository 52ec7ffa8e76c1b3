#!/usr/bin/env python3
"""The SAM templates validate and build: `sam validate --lint` and `sam build` (cargo-lambda).

Checks examples/template.yaml and examples/template-every-source.yaml, and the template.yaml
that `minik new` writes; examples/streaming/template.yaml is linted only (it deploys the binary
`cargo lambda build --example streaming` leaves: an example has no package of its own to
build). `sam build` builds examples/sam/ (the quickstart as a package of its own) for arm64
with cargo-lambda, and must leave a `bootstrap` for the function.

SAM is the one in target/sam-cli (a virtualenv, so that aws-sam-cli's pinned dependencies do not
clash with anything installed system-wide), installed there from PyPI when missing; cargo-lambda
must be on the PATH. The build writes into <target>/apps (CARGO_TARGET_DIR, or target/; shared
with tests/e2e/minik_new.py, which builds the same dependencies for arm64) and <target>/aws-sam,
never into the source tree.

Run from anywhere: python3 tests/e2e/sam_build.py
"""
import os
import shutil
import subprocess
import sys
import tempfile

from harness import ROOT, TARGET, check, summary

VENV = os.path.join(ROOT, "target", "sam-cli")
SAM = os.path.join(VENV, "bin", "sam")
TEMPLATES = ["examples/template.yaml", "examples/template-every-source.yaml"]
LINTED_ONLY = ["examples/streaming/template.yaml"]


def install_sam():
    if os.path.exists(SAM):
        return
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                    "aws-sam-cli"], check=True, timeout=900)


def sam(args, env):
    return subprocess.run([SAM, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)


def main():
    install_sam()
    # No telemetry; the Rust build method is a preview SAM asks to opt in to.
    env = dict(os.environ, SAM_CLI_TELEMETRY="0", CARGO_TARGET_DIR=os.path.join(TARGET, "apps"))
    for template in TEMPLATES + LINTED_ONLY:
        linted = sam(["validate", "--lint", "--template-file", template], env)
        check(f"sam validate --lint {template}", linted.returncode == 0, linted.stdout + linted.stderr)

    scratch = tempfile.mkdtemp(prefix="minik-sam-")
    try:
        project = os.path.join(scratch, "hello-api")
        made = subprocess.run(["cargo", "run", "--quiet", "--bin", "minik", "--", "new", project, "--minik-path", ROOT],
                              cwd=ROOT, capture_output=True, text=True, timeout=1800)
        linted = sam(["validate", "--lint", "--template-file", os.path.join(project, "template.yaml")], env)
        check("sam validate --lint on the template minik new writes", made.returncode == 0 and linted.returncode == 0,
              made.stderr + linted.stdout + linted.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    for template in TEMPLATES:
        name = os.path.splitext(os.path.basename(template))[0]
        build_dir = os.path.join(TARGET, "aws-sam", name)
        built = sam(["build", "--beta-features", "--template-file", template, "--build-dir", build_dir], env)
        bootstrap = os.path.join(build_dir, "Quickstart", "bootstrap")
        check(f"sam build {template} leaves the function's bootstrap", built.returncode == 0
              and os.path.isfile(bootstrap), (built.stdout + built.stderr)[-3000:])
        if os.path.isfile(bootstrap):
            kind = subprocess.run(["file", "-b", bootstrap], capture_output=True, text=True).stdout \
                if shutil.which("file") else ""
            print(f"     bootstrap: {os.path.getsize(bootstrap)} bytes {kind.strip()}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
