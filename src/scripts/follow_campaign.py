"""Starts the campaign runner on a campaign and follows it live: one line per finished trial, then a
summary. No human in the loop: the built-in specialists propose, the evaluator measures."""
import json
import sys
import time
import urllib.request

API, CAMPAIGN, TRIALS = sys.argv[1], sys.argv[2], int(sys.argv[3])


def call(path, body=None):
    request = urllib.request.Request(API + path, method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def show(trial):
    score = "-" if trial["score"] is None else f"{trial['score']:.4f}"
    print(f"  #{trial['number']:<3} {trial['specialist']:<9} {trial['label'] or trial['state']:<16} "
          f"{score:<8} {trial['hypothesis'][:80]}", flush=True)


call(f"/campaigns/{CAMPAIGN}/runner", {"maxTrials": TRIALS, "maxTrialsWithoutKeep": 25})
print(f"runner started: up to {TRIALS} trials, proposed by the built-in specialists", flush=True)
shown = set()
while True:
    page = call(f"/campaigns/{CAMPAIGN}/trials?state=FINISHED,CANCELLED&sort=finished&size=500")
    for trial in page["items"]:
        if trial["number"] not in shown:
            shown.add(trial["number"])
            show(trial)
    runner = call(f"/campaigns/{CAMPAIGN}/runner")
    if runner["state"] != "RUNNING" and runner["inFlight"] == 0:
        break
    time.sleep(1)
campaign = call(f"/campaigns/{CAMPAIGN}")
print(f"runner ended ({runner['endedBecause']}): {runner['trials']} trials, {runner['keeps']} kept; "
      f"best trial {campaign['bestNumber']}: {campaign['metric']} {campaign['bestScore']:.4f} "
      f"(baseline {campaign['baselineScore']:.4f}, keep threshold {campaign['keepThreshold']:.4f})", flush=True)
