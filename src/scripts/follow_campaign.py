"""Starts the campaign runner on a campaign and follows it live: one line per finished trial, then a
summary. No human in the loop: the built-in specialists propose, the evaluator measures.

Usage: follow_campaign.py API CAMPAIGN TRIALS SERVER_LOG   (the API token in EMPIRIC_TOKEN)
Exits 0 when the campaign ran and its baseline got a score; otherwise prints one line saying what
failed and where the server's log is, and exits 1. Never a traceback."""
import json
import os
import sys
import time
import urllib.error
import urllib.request

API, CAMPAIGN, TRIALS, LOG = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
HEADERS = {"Content-Type": "application/json"}
if os.environ.get("EMPIRIC_TOKEN"):
    HEADERS["Authorization"] = f"Bearer {os.environ['EMPIRIC_TOKEN']}"


class Failed(Exception):
    """What went wrong, in one line for the person running the demo."""


def call(path, body=None):
    request = urllib.request.Request(API + path, method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        try:
            detail = json.load(error).get("detail", "")
        except ValueError:
            detail = ""
        raise Failed(f"{request.method} {path} answered {error.code} {detail}".strip()) from None
    except (urllib.error.URLError, OSError) as error:
        raise Failed(f"the server at {API} stopped answering ({error})") from None


def number(value, digits=4):
    return "-" if value is None else f"{value:.{digits}f}"


def show(trial):
    print(f"  #{trial['number']:<3} {trial['specialist']:<9} {trial['label'] or trial['state']:<16} "
          f"{number(trial['score']):<8} {trial['hypothesis'][:80]}", flush=True)


def await_baseline():
    while True:
        baseline = call(f"/campaigns/{CAMPAIGN}/trials/0")
        if baseline["state"] in ("FINISHED", "CANCELLED"):
            show(baseline)
            if baseline["score"] is None or baseline["label"] != "BASELINE":
                note = (baseline["notes"] or "").strip().splitlines()
                raise Failed(f"the baseline ended {baseline['label'] or baseline['state']}"
                             + (f" ({note[-1][:200]})" if note else ""))
            return baseline
        time.sleep(0.5)


def follow():
    print(f"campaign {CAMPAIGN}: measuring the baseline", flush=True)
    shown = {0}
    await_baseline()
    call(f"/campaigns/{CAMPAIGN}/runner", {"maxTrials": TRIALS, "maxTrialsWithoutKeep": 25})
    print(f"runner started: up to {TRIALS} trials, proposed by the built-in specialists", flush=True)
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
          f"best trial {campaign['bestNumber']}: {campaign['metric']} {number(campaign['bestScore'])} "
          f"(baseline {number(campaign['baselineScore'])}, keep threshold {number(campaign['keepThreshold'])})",
          flush=True)


try:
    follow()
except Failed as failure:
    print(f"[empiric] the demo campaign {CAMPAIGN} failed: {failure}; server log: {LOG}", file=sys.stderr, flush=True)
    sys.exit(1)
except KeyboardInterrupt:
    sys.exit(130)
