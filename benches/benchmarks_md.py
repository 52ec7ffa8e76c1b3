"""Rewrites one marked section of BENCHMARKS.md, for report.py and instructions.py."""
import os

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "BENCHMARKS.md")


def rewrite_section(name, text):
    """Puts `text` between `<!-- name -->` and `<!-- /name -->`; the prose around is kept."""
    with open(PATH) as f:
        document = f.read()
    start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    before, rest = document.split(start, 1)
    after = rest.split(end, 1)[1]
    with open(PATH, "w") as f:
        f.write(before + start + text + end + after)
