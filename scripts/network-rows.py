#!/usr/bin/env python3
"""Rows of the `entries` table for many journals, in COPY's text format, from a few simulated
journals (standard library only; used by scripts/bench-network.sh).

Usage: scripts/network-rows.py --dir DIR --first-journal J --count N
  DIR holds `amble.journal/1` files (`amble-sim --journal-out`), read in name order. Journal
  J + k gets the entries of file k mod (number of files), under its own journal id.

Each row is what `amble journal import` writes: journal_id, id, kind, date, body (the entry as
JSON; PostgreSQL keeps it as jsonb, so the spacing of the text does not matter). `seq`, the
timestamps and `client_ref` (none, as for an import) are left to the table's defaults, so the
entries of a journal are numbered in the file's order, as an import numbers them.
Write to `COPY entries (journal_id, id, kind, date, body) FROM STDIN`.
"""
import argparse
import json
import os
import sys

KINDS = {"assessment", "walk", "morning", "exercise", "activity", "daily_metrics", "checkin"}
MAX_JOURNALS = 10_000_000


def copy_text(s):
    """A field in COPY's text format (JSON text has no raw tab or newline; backslashes double)."""
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}: not JSON ({e})")
    if not isinstance(doc, dict) or doc.get("schema") != "amble.journal/1":
        raise SystemExit(f"{path}: not an amble.journal/1 document")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise SystemExit(f"{path}: no list of entries")
    lines, seen = [], set()
    for i, e in enumerate(entries):
        where = f"{path}: entry {i + 1}"
        if not isinstance(e, dict):
            raise SystemExit(f"{where}: not an object")
        kind, eid, date = e.get("kind"), e.get("id"), e.get("date")
        if kind not in KINDS:
            raise SystemExit(f"{where}: unknown kind {kind!r}")
        if not isinstance(eid, str) or not 1 <= len(eid) <= 64 or "\t" in eid or eid in seen:
            raise SystemExit(f"{where}: id {eid!r} missing, too long or repeated")
        if not isinstance(date, str) or len(date) != 10:
            raise SystemExit(f"{where}: date {date!r} is not YYYY-MM-DD")
        seen.add(eid)
        body = json.dumps(e, separators=(",", ":"))
        lines.append(f"{copy_text(eid)}\t{kind}\t{date}\t{copy_text(body)}")
    return lines


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--first-journal", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    a = p.parse_args()
    if not 1 <= a.first_journal <= 2**62 or not 0 <= a.count <= MAX_JOURNALS:
        raise SystemExit(f"--first-journal 1.., --count 0..{MAX_JOURNALS}")
    files = sorted(f for f in os.listdir(a.dir) if f.endswith(".json"))
    if not files:
        raise SystemExit(f"{a.dir}: no .json journals")
    sources = [rows_of(os.path.join(a.dir, f)) for f in files]
    out = sys.stdout
    for k in range(a.count):
        jid = str(a.first_journal + k)
        lines = sources[k % len(sources)]
        if lines:
            out.write(jid + "\t" + ("\n" + jid + "\t").join(lines) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
