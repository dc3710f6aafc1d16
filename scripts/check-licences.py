#!/usr/bin/env python3
"""Fails when a dependency's licence is not on Amble's allowlist (docs/licensing.md)."""
import json
import re
import subprocess
import sys

ALLOWED = {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "Unlicense", "0BSD",
           "CC0-1.0", "MIT-0", "Unicode-3.0", "Unicode-DFS-2016", "BSL-1.0", "MPL-2.0",
           "Apache-2.0 WITH LLVM-exception"}

# Crates that ship a licence file instead of an SPDX expression, read by hand (name: licence).
REVIEWED_FILES = {
    # ical (test-only iCalendar parser): its LICENSE file is the Apache License 2.0.
    "ical": "Apache-2.0",
}

def ok(expr: str) -> bool:
    # An SPDX expression passes when every AND-part has at least one allowed OR-alternative.
    expr = expr.replace("/", " OR ").replace("(", " ").replace(")", " ")
    for part in re.split(r"\s+AND\s+", expr):
        alts = [a.strip() for a in re.split(r"\s+OR\s+", part) if a.strip()]
        if not any(a in ALLOWED for a in alts):
            return False
    return True

meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"],
                                 check=True, capture_output=True, text=True).stdout)
def licence(p) -> str:
    return p.get("license") or REVIEWED_FILES.get(p["name"], "")

bad = sorted({(p["name"], licence(p) or "none") for p in meta["packages"]
              if p["source"] is not None and not ok(licence(p))})
for name, lic in bad:
    print(f"licence not allowed: {name}: {lic}")
print(f"checked {sum(1 for p in meta['packages'] if p['source'])} dependencies")
sys.exit(1 if bad else 0)
