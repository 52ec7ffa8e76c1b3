#!/usr/bin/env python3
"""`minik check` on hostile routes files at the largest size minik reads, as SECURITY.md
reports it: the time and peak memory of each run, and the size of what it printed.

    python3 tests/load/routes_files.py

Builds the `minik` CLI (release), writes each file into a temporary directory, runs
`minik check` on it, and prints one line per file. Exits non-zero if a run took more than
2 s or 100 MB, printed more than 200 KB, or did not exit with the diagnostics' status (1).
"""
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIMIT = 1 << 20  # what minik reads (src/config/mod.rs, MAX_FILE_BYTES)


def fill(unit, prefix="", suffix=""):
    """`prefix`, then `unit` repeated to just under the size limit, then `suffix`."""
    room = LIMIT - len(prefix) - len(suffix) - 1
    return prefix + unit * (room // len(unit)) + suffix


FILES = {
    "10 MB of comments (over the limit)": "# " + "x" * (10 << 20) + "\n",
    "one table header of 500,000 dotted keys": fill("a.", "[", "a]\n"),
    "one dotted key of 500,000 parts": fill("a.", "", "a = 1\n"),
    "75,000 default headers": "[app.headers]\n"
    + "".join(f"x{i} = \"v\"\n" for i in range(75_000))[:LIMIT - 20].rsplit("\n", 1)[0] + "\n",
    "100,000 unknown keys": "[app]\n"
    + "".join(f"k{i} = 1\n" for i in range(100_000))[:LIMIT - 20].rsplit("\n", 1)[0] + "\n",
    "unknown parameters on one line": "[[route]]\npath = \"/a\"\nhandler = \"h\"\nparams = { "
    + ", ".join(f"p{i} = \"int\"" for i in range(75_000))[:LIMIT - 100].rsplit(",", 1)[0] + " }\n",
    "30,000 duplicate routes": fill("[[route]]\npath = \"/same\"\nhandler = \"h\"\n"),
    "a middleware list of 100,000 names": "[app]\nmiddleware = ["
    + ", ".join(f"\"m{i}\"" for i in range(100_000))[:LIMIT - 100].rsplit(",", 1)[0] + "]\n",
    "one unknown key of 1 MB": fill("x", "[app]\n", " = 1\n"),
    "one unknown type of 1 MB": fill("x", "[[route]]\npath = \"/{a}\"\nhandler = \"h\"\nparams = { a = \"", "\" }\n"),
}


MEASURE = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:])
sys.stderr.write("\\n%d" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(run.returncode)
"""


def main():
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "minik"], cwd=ROOT,
                   check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    minik = os.path.join(target, "release", "minik")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in FILES.items():
            path = os.path.join(tmp, "routes.toml")
            with open(path, "w") as f:
                f.write(text)
            started = time.monotonic()
            # Through a wrapper whose only child is this run, so that its peak is this run's.
            run = subprocess.run([sys.executable, "-c", MEASURE, minik, "check", path],
                                 capture_output=True)
            seconds = time.monotonic() - started
            *stderr, peak = run.stderr.rsplit(b"\n", 1)
            peak = int(peak)  # KiB
            printed = len(run.stdout) + len(b"\n".join(stderr))
            good = run.returncode == 1 and seconds < 2 and peak < 100 * 1024 and printed < 200_000
            ok &= good
            print(f"{name}: {len(text):,} bytes, {seconds:.2f} s, peak {peak / 1024:.0f} MB, "
                  f"{printed:,} bytes printed, exit {run.returncode}{'' if good else '  FAILED'}")
    print("ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
