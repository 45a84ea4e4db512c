"""Benchmark: a campaign's export through the server's own path (issue 10): the trials' rows and events
read from the store under the campaign's lock, then the writer. A private server with evaluation off
takes N submissions over REST (each a real diff and commit; queued, so without logs or proposer views,
one event each), then exports the campaign as a zip 21 times (the first deflates every diff, the
others copy them from the previous export) and once as JSONL, printing each time, and the median of
the last ten zip exports."""
import concurrent.futures
import statistics
import sys
import time
import urllib.request

from empiric_client import call, private_server

DIFF = ("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -10,7 +10,7 @@ import numpy as np\n"
        " HIDDEN_UNITS = 64\n ACTIVATION = \"relu\"\n-LEARNING_RATE = 0.05\n+LEARNING_RATE = 0.{n:06d}\n MOMENTUM = 0.9\n"
        " BATCH_SIZE = 64\n EPOCHS = 10\n")


# The server's JIT needs about ten exports of a campaign this size to settle; the last WARM are summarised.
AGAIN = 20
WARM = 10


def main(trials):
    with private_server({"empiric.evaluator.concurrency": 0, "empiric.trial.max-queued": trials + 1}) as api:
        campaign = call(api, "/campaigns", {"environment": "digits", "name": "bench-export-server"})["id"]
        started = time.perf_counter()

        def submit(n):
            call(api, f"/campaigns/{campaign}/trials", {
                "hypothesis": f"learning rate 0.{n:06d}: a hypothesis of about the length agents write, saying"
                              " what the edit should do and why", "specialist": "opt", "parent": 0,
                "diff": DIFF.format(n=n)})

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(submit, range(1, trials + 1)))
        print(f"submitted {trials:,} trials in {time.perf_counter() - started:.0f} s (not measured)", flush=True)
        exports = [("zip, first", "")] + [(f"zip, again ({i})", "") for i in range(1, AGAIN + 1)] \
            + [("jsonl", "?format=jsonl")]
        warm = []
        for name, query in exports:
            started = time.perf_counter()
            with urllib.request.urlopen(f"{api}/campaigns/{campaign}/export{query}") as response:
                size = len(response.read())
                reused = response.headers.get("Empiric-Export-Reused-Files", "-")
            seconds = time.perf_counter() - started
            print(f"{name}: {seconds:.2f} s = {(trials + 1) / seconds:,.0f} records/s, {size / 1e6:.1f} MB,"
                  f" files reused {reused}", flush=True)
            if name.startswith("zip, again") and int(name[12:-1]) > AGAIN - WARM:
                warm.append(seconds)
        median = statistics.median(warm)
        print(f"zip, warm (the last {WARM}): median {median:.2f} s = {(trials + 1) / median:,.0f} records/s,"
              f" quartiles {statistics.quantiles(warm, n=4)[0]:.2f}-{statistics.quantiles(warm, n=4)[2]:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
