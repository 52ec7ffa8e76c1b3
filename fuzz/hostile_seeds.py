#!/usr/bin/env python3
"""Writes routes files of hostile shapes into a fuzz corpus directory, so that the fuzzer
starts from them (SECURITY.md): deep table headers and dotted keys, large tables, long names,
long lines of mistakes, and bytes that are not UTF-8. Sizes stay under 8 KB, so that the
fuzzer's input length, which follows the largest seed, stays small.

    python3 fuzz/hostile_seeds.py fuzz/corpus/routes_file
"""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
deep = ".".join(["a"] * 2000)
seeds = {
    "deep-header": f"[{deep}]\nx = 1\n",
    "deep-array-header": f"[[{deep}]]\nx = 1\n",
    "deep-dotted-key": f"{deep} = 1\n",
    "deep-inline": "x = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n",
    "many-headers": "[app.headers]\n" + "".join(f"x-h{i} = \"v\"\n" for i in range(600)),
    "many-unknown-keys": "[app]\n" + "".join(f"k{i} = 1\n" for i in range(700)),
    "many-params-one-line": "[[route]]\npath = \"/a\"\nhandler = \"h\"\nparams = { "
    + ", ".join(f"p{i} = \"int\"" for i in range(400)) + " }\n",
    "long-name": "[app]\n" + "x" * 7000 + " = 1\n",
    "long-middleware": "[app]\nmiddleware = [" + ", ".join(f"\"m{i}\"" for i in range(600)) + "]\n",
    "duplicates": "[[route]]\npath = \"/same\"\nhandler = \"h\"\n" * 200,
}
for name, text in seeds.items():
    with open(os.path.join(out, f"hostile-{name}.toml"), "w") as f:
        f.write(text)
with open(os.path.join(out, "hostile-latin1.toml"), "wb") as f:
    f.write(b"[[route]]\npath = \"/caf\xe9\"\nhandler = \"h\"\n")
