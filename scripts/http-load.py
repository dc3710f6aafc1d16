#!/usr/bin/env python3
"""A small HTTP load client (standard library only): N connections kept alive, each sending GET
requests one after another for a number of seconds; prints requests/s and latency percentiles.

Usage: scripts/http-load.py [--connections 16] [--seconds 10] [--header "Cookie: a=b"] URL [URL...]
With several URLs (servers), the connections are spread over them in turn.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def worker(url, headers, deadline, out, errors):
    u = urllib.parse.urlsplit(url)
    path = u.path + (("?" + u.query) if u.query else "")
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while True:
        start = time.perf_counter()
        if start >= deadline:
            break
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            ok = False
        took = time.perf_counter() - start
        if ok:
            out.append(took)
        else:
            errors.append(took)
    conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--header", action="append", default=[])
    p.add_argument("urls", nargs="+")
    a = p.parse_args()
    if not 1 <= a.connections <= 1024 or not 0 < a.seconds <= 3600:
        raise SystemExit("--connections 1..1024, --seconds up to 3600")
    headers = {}
    for h in a.header:
        k, sep, v = h.partition(":")
        if not sep:
            raise SystemExit(f"--header {h!r}: expected 'Name: value'")
        headers[k.strip()] = v.strip()
    lat, errors = [], []
    begin = time.perf_counter()
    deadline = begin + a.seconds
    threads = [
        threading.Thread(target=worker, args=(a.urls[i % len(a.urls)], headers, deadline, lat, errors))
        for i in range(a.connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    lat.sort()

    def pct(q):
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1) if lat else None

    print(json.dumps({
        "requests": len(lat),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(lat) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
    }))


if __name__ == "__main__":
    main()
