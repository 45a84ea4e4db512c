"""Load (issue 13): N submissions from C concurrent clients, each a distinct one-line edit of the
digits recipe; the first submission of clients 2k and 2k+1 is the same one under the idempotency
key k-<k>, sent at the same instant. Run twice on private servers that evaluate nothing: with a
queue limit above N (every submission accepted) and with a limit of N/2 (the rest refused with 429
and Retry-After). After each run the store is read back: every accepted trial is there once, each
key made one trial, nothing else was stored."""
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

import empiric_client
from empiric_client import call, private_server

DIFF = """--- a/train.py
+++ b/train.py
@@ -{line},1 +{line},1 @@
-EPOCHS = 10
+EPOCHS = {epochs}
"""


def epochs_line():
    with open("environments/digits/recipe/train.py") as recipe:
        return next(n for n, text in enumerate(recipe, 1) if text.startswith("EPOCHS = 10"))


def submit(api, campaign, epochs, key, line):
    body = json.dumps({"hypothesis": f"epochs {epochs}", "diff": DIFF.format(line=line, epochs=epochs)}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {empiric_client.TOKEN}"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(f"{api}/campaigns/{campaign}/trials", data=body, headers=headers, method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = (response.status, json.load(response)["id"], response.headers.get("Idempotent-Replayed"), None)
    except urllib.error.HTTPError as error:
        answer = (error.code, None, None, error.headers.get("Retry-After"))
    return answer + (time.perf_counter() - start,)


def all_trials(api, campaign):
    trials, page = [], 0
    while True:
        listing = call(api, f"/campaigns/{campaign}/trials?size=500&page={page}&sort=number")
        trials += listing["items"]
        page += 1
        if len(trials) >= listing["total"] or not listing["items"]:
            return trials


def run(total, clients, limit):
    with private_server({"empiric.evaluator.concurrency": 0, "empiric.trial.max-queued": limit}) as api:
        campaign = call(api, "/campaigns", {"environment": "digits", "name": f"load limit {limit}"})["id"]
        line = epochs_line()
        each = total // clients
        answers = []
        lock = threading.Lock()
        gate = threading.Barrier(clients + 1)

        def client(c):
            mine = []
            gate.wait()
            for r in range(each):
                keyed = r == 0
                epochs = 5000 + c // 2 if keyed else 11 + c * each + r
                mine.append((c, r) + submit(api, campaign, epochs, f"k-{c // 2}" if keyed else None, line))
            with lock:
                answers.extend(mine)

        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for thread in threads:
            thread.start()
        gate.wait()
        start = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start

        accepted = {a[3] for a in answers if a[2] == 202}
        refused = [a for a in answers if a[2] == 429]
        other = [a for a in answers if a[2] not in (202, 429)]
        keys = {}
        for a in answers:
            if a[1] == 0 and a[2] == 202:
                keys.setdefault(a[0] // 2, set()).add(a[3])
        stored = all_trials(api, campaign)
        stored_ids = {t["id"] for t in stored if t["number"] != 0}
        latencies = sorted(a[6] * 1000 for a in answers)
        pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
        print(f"queue limit {limit}: {len(answers)} submissions from {clients} clients in {wall:.1f} s"
              f" = {len(answers) / wall:.0f}/s; latency p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms,"
              f" p99 {pct(99):.0f} ms, max {latencies[-1]:.0f} ms (load average {os.getloadavg()[0]:.1f}"
              f" on {os.cpu_count()} cores)")
        print(f"  202: {sum(1 for a in answers if a[2] == 202)} answers, {len(accepted)} trials ({sum(1 for a in answers if a[4] == 'true')} idempotent replays);"
              f" 429: {len(refused)} (all with Retry-After: {all(a[5] for a in refused)}); other: {len(other)}")
        checks = {
            "every submission answered 202 or 429": not other and len(answers) == each * clients,
            "accepted trials are the stored trials": accepted == stored_ids and len(stored) == len(accepted) + 1,
            "each idempotency key made one trial": all(len(ids) == 1 for ids in keys.values()),
            "every 429 carries Retry-After": all(a[5] for a in refused),
        }
        for check, held in checks.items():
            print(f"  {'ok  ' if held else 'FAIL'} {check}")
        return all(checks.values())


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    held = run(total, clients, total + 10) and run(total, clients, total // 2)
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()
