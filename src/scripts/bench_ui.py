"""Benchmark: how long the web UI's data takes to serve for a campaign with many trials.

Fills one campaign with N trials through the REST API (diffs the rules refuse, so they are recorded at
once without Docker; rows as wide as real ones, without scores), then times each endpoint a page of
the UI loads, server side (the HTTP round trip on localhost included), and prints a table of medians.
"""
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from empiric_client import call, private_server

WORDS = "learning rate momentum dropout warmup cosine schedule width depth batch clip decay".split()


def fill(api, campaign, count):
    diff = "diff --git a/scorer/x.py b/scorer/x.py\n--- a/scorer/x.py\n+++ b/scorer/x.py\n@@ -1 +1 @@\n-a\n+b\n"

    def submit(i):
        hypothesis = f"trial {i}: raise the {WORDS[i % len(WORDS)]} and lower the {WORDS[(i * 7) % len(WORDS)]}" \
                     f" because the lineage says so; " + "context " * 10
        call(api, f"/campaigns/{campaign}/trials",
             {"hypothesis": hypothesis, "diff": diff, "specialist": ["opt", "arch", "sched", "reg"][i % 4]})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(submit, range(count)))


def timed(url, runs):
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            size = len(response.read())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), size


def main(count, runs=7):
    with private_server() as api:
        campaign = call(api, "/campaigns", {"environment": "digits", "name": "bench-ui"})["id"]
        started = time.perf_counter()
        fill(api, campaign, count)
        print(f"filled campaign {campaign} with {count} trials in {time.perf_counter() - started:.0f} s")
        endpoints = [
            ("campaigns page: /campaign-summaries", "/campaign-summaries"),
            ("dashboard: /dashboard", f"/campaigns/{campaign}/dashboard"),
            ("dashboard + tree page: /tree", f"/campaigns/{campaign}/tree"),
            ("trials table, first page", f"/campaigns/{campaign}/trial-rows?sort=-number"),
            ("trials table, last page", f"/campaigns/{campaign}/trial-rows?sort=-number&page={count // 50}"),
            ("trials table, sorted by score", f"/campaigns/{campaign}/trial-rows?sort=-score"),
            ("trials table, text search", f"/campaigns/{campaign}/trial-rows?q=cosine"),
            ("trials table, specialist + label", f"/campaigns/{campaign}/trial-rows?specialist=opt&label=ILLEGAL_EDIT"),
            ("trial page: /campaigns/{id}/trials/{n}", f"/campaigns/{campaign}/trials/{count // 2}"),
            ("trial page: children", f"/campaigns/{campaign}/trial-rows?parent=0&size=100&sort=number"),
        ]
        print(f"| request ({count} trials) | median ms | max ms | bytes |")
        print("|---|---|---|---|")
        for name, path in endpoints:
            timed(api + path, 2)  # warm up
            median, worst, size = timed(api + path, runs)
            print(f"| {name} | {median:.0f} | {worst:.0f} | {size:,} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
