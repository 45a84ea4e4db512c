"""Does the lineage help? Built-in specialists with the lineage, the same without it, and uniform
random search over the same knobs, at equal trial budgets on the same environment, several repeats.

Each arm x repeat is a fresh campaign on one private server (campaign ids differ, so the seeded
specialists make different choices in each repeat); the runner proposes, nobody else does.
Prints one row per campaign and a summary table: the kept best (the incumbent, confirmed on fresh
seeds), the best score any legal trial reached on the environment's seeds (kept or not), keeps, and
the evaluator minutes spent confirming gains.
"""
import statistics
import sys
import time

from empiric_client import call, private_server

ENVIRONMENT = sys.argv[1] if len(sys.argv) > 1 else "digits"
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
REPEATS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
ARMS = {
    "specialists + lineage": ({}, None),
    "specialists, no lineage": ({"lineageView": False}, None),
    "uniform random search": ({}, ["random"]),
}


def run(api, arm, repeat):
    settings, specialists = ARMS[arm]
    campaign = call(api, "/campaigns", {"environment": ENVIRONMENT, "name": f"{arm} #{repeat}",
                                        "settings": settings})["id"]
    request = {"maxTrials": TRIALS}
    if specialists:
        request["specialists"] = specialists
    started = time.time()
    while True:  # retried while the server is busy creating the campaign
        try:
            call(api, f"/campaigns/{campaign}/runner", request)
            break
        except Exception:
            time.sleep(1)
    while True:
        runner = call(api, f"/campaigns/{campaign}/runner")
        if runner["state"] != "RUNNING" and runner["inFlight"] == 0:
            break
        time.sleep(2)
    view = call(api, f"/campaigns/{campaign}")
    order = "-score" if view["goal"] == "MAXIMIZE" else "score"
    scored = call(api, f"/campaigns/{campaign}/trials?label=BASELINE,KEEP,DISCARD&sort={order}&size=1")["items"]
    row = {"arm": arm, "repeat": repeat, "trials": runner["trials"], "keeps": runner["keeps"],
           "best": view["bestScore"], "scored": scored[0]["score"], "baseline": view["baselineScore"],
           "confirming": view["confirmations"]["seconds"] / 60, "minutes": (time.time() - started) / 60,
           "labels": view["labels"]}
    print(f"{arm:<26} #{repeat}  trials {row['trials']:>3}  keeps {row['keeps']:>2}  best {row['best']:.4f}  "
          f"best scored {row['scored']:.4f}  baseline {row['baseline']:.4f}  {row['minutes']:.1f} min "
          f"({row['confirming']:.1f} confirming)  {row['labels']}", flush=True)
    return row


def main():
    with private_server() as api:
        goal = call(api, f"/environments/{ENVIRONMENT}")["spec"]["metric"]["goal"]
        rows = [run(api, arm, repeat) for repeat in range(1, REPEATS + 1) for arm in ARMS]
    print(f"\n{ENVIRONMENT}, {TRIALS} trials per campaign, {REPEATS} repeats, metric goal {goal}\n")
    print("| arm | kept best: mean | min | max | best scored: mean | min | max | keeps: mean | confirming min:"
          " mean | trials |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for arm in ARMS:
        mine = [row for row in rows if row["arm"] == arm]
        best = [row["best"] for row in mine]
        scored = [row["scored"] for row in mine]
        print(f"| {arm} | {statistics.mean(best):.4f} | {min(best):.4f} | {max(best):.4f} | "
              f"{statistics.mean(scored):.4f} | {min(scored):.4f} | {max(scored):.4f} | "
              f"{statistics.mean(row['keeps'] for row in mine):.1f} | "
              f"{statistics.mean(row['confirming'] for row in mine):.1f} | {mine[0]['trials']} |")


if __name__ == "__main__":
    main()
