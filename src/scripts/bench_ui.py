"""Benchmark: how long the web UI's data takes to serve for a campaign with many trials.

Fills one campaign with N trials through the REST API (diffs the rules refuse, so they are recorded at
once without Docker; rows as wide as real ones, without scores), then times each request a page of
the UI makes (the HTTP round trip on localhost included) and prints two tables: medians per request,
and per page the sum of its requests' medians (an upper bound: a page makes some of them in parallel).
Before each timed request one more trial is submitted (not timed), as in a live campaign: H2 reuses
the result of a repeated query while no table changed, which would make a quiet benchmark lie.
Last, how fast the live stream replays the campaign's event log to a client that starts from 0.
"""
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from empiric_client import call, private_server, timed

WORDS = "learning rate momentum dropout warmup cosine schedule width depth batch clip decay".split()
REPLAY_EVENTS = 5000


DIFF = "diff --git a/scorer/x.py b/scorer/x.py\n--- a/scorer/x.py\n+++ b/scorer/x.py\n@@ -1 +1 @@\n-a\n+b\n"


def submit_one(api, campaign, i):
    hypothesis = f"trial {i}: raise the {WORDS[i % len(WORDS)]} and lower the {WORDS[(i * 7) % len(WORDS)]}" \
                 f" because the lineage says so; " + "context " * 10
    call(api, f"/campaigns/{campaign}/trials",
         {"hypothesis": hypothesis, "diff": DIFF, "specialist": ["opt", "arch", "sched", "reg"][i % 4]})


def fill(api, campaign, count):
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: submit_one(api, campaign, i), range(count)))


def replay(api, campaign, events):
    """Seconds until the stream has delivered `events` logged events to a client starting at 0."""
    request = urllib.request.Request(f"{api}/campaigns/{campaign}/events?lastEventId=0",
                                     headers={"Accept": "text/event-stream"})
    started = time.perf_counter()
    seen = 0
    with urllib.request.urlopen(request) as stream:
        for line in stream:
            if line.startswith(b"id:"):
                seen += 1
                if seen == events:
                    break
    return time.perf_counter() - started


def main(count, runs=7):
    with private_server() as api:
        campaign = call(api, "/campaigns", {"environment": "digits", "name": "bench-ui"})["id"]
        started = time.perf_counter()
        fill(api, campaign, count)
        print(f"filled campaign {campaign} with {count} trials in {time.perf_counter() - started:.0f} s")
        some = ",".join(str(n) for n in range(count // 2, count // 2 + 50))
        many = ",".join(str(n) for n in list(range(1, count, max(1, count // 300)))[:300])
        rare = f"{count // 3}"
        requests = {
            "summaries": "/campaign-summaries",
            "campaign": f"/campaigns/{campaign}",
            "dashboard": f"/campaigns/{campaign}/dashboard",
            "tree": f"/campaigns/{campaign}/tree",
            "tree nodes (50 named by events)": f"/campaigns/{campaign}/tree/nodes?numbers={some}",
            "tree heads (a batch of up to 300)": f"/campaigns/{campaign}/tree/heads?numbers={many}",
            "rows: first page": f"/campaigns/{campaign}/trial-rows?sort=-number",
            "rows: last page": f"/campaigns/{campaign}/trial-rows?sort=-number&page={count // 50}",
            "rows: sorted by score": f"/campaigns/{campaign}/trial-rows?sort=-score",
            "rows: text, common word": f"/campaigns/{campaign}/trial-rows?q=cosine",
            "rows: text, rare word": f"/campaigns/{campaign}/trial-rows?q={rare}",
            "rows: text, two words": f"/campaigns/{campaign}/trial-rows?q=raise+cos",
            "rows: specialist + label": f"/campaigns/{campaign}/trial-rows?specialist=opt&label=ILLEGAL_EDIT",
            "trial by number": f"/campaigns/{campaign}/trials/{count // 2}",
            "trial: children": f"/campaigns/{campaign}/trial-rows?parent=0&size=100&sort=number",
            "trial: diff": f"/trials/{count // 2}/diff",
            "trial: log": f"/trials/{count // 2}/log",
        }
        pages = {
            "campaigns": ["summaries"],
            "dashboard": ["dashboard", "tree"],
            "dashboard, one live update": ["dashboard", "tree nodes (50 named by events)"],
            "lineage tree": ["campaign", "tree", "tree heads (a batch of up to 300)"],
            "trials table": ["campaign", "dashboard", "rows: first page"],
            "trials table, text search": ["rows: text, common word"],
            "trial": ["campaign", "trial by number", "trial by number", "trial: children", "trial: diff", "trial: log"],
        }
        extra = iter(range(count, 10 * count))
        touch = lambda: submit_one(api, campaign, next(extra))
        medians = {}
        print(f"\n| request ({count} trials) | median ms | max ms | bytes |")
        print("|---|---|---|---|")
        for name, path in requests.items():
            timed(api + path, 2, touch)  # warm up
            times, size = timed(api + path, runs, touch)
            median, worst = statistics.median(times), times[-1]
            medians[name] = median
            print(f"| {name} | {median:.0f} | {worst:.0f} | {size:,} |")
        print(f"\n| page ({count} trials) | sum of medians, ms |")
        print("|---|---|")
        for page, names in pages.items():
            print(f"| {page} | {sum(medians[n] for n in names):.0f} |")
        events = min(REPLAY_EVENTS, count)
        seconds = replay(api, campaign, events)
        print(f"\nlive stream: {events} events replayed from Last-Event-ID 0 in {seconds:.2f} s"
              f" ({events / seconds:.0f} events/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
