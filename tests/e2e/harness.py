"""What the end-to-end scripts share: where the repository and cargo's output are, a tally of
checks, and starting and stopping local servers. Standard library only; each script imports
it from its own directory (`python3 tests/e2e/NAME.py` puts that directory on the path).
"""
import os
import signal
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Where cargo writes: CARGO_TARGET_DIR when set (relative to the root, as cargo reads it).
TARGET = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"))

results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    """Records one check and prints it: `ok` or `FAIL` with the detail."""
    if condition:
        results["passed"] += 1
        print(f"ok   {name}")
    else:
        results["failed"] += 1
        print(f"FAIL {name} {detail}")


def summary():
    """Prints the tally; the exit code for the script (1 when a check failed)."""
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 0 if results["failed"] == 0 else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds, process=None):
    """True once something listens on the port; False after `seconds`, or as soon as the
    process that should listen there has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(process):
    """Stops a process started with `start_new_session=True`, and everything it started."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
