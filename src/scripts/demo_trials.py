"""Submits a few knob edits to the demo campaign, as an external agent would over REST: read the
best trial's recipe, change one constant, send the diff, follow the outcome live."""
import json
import re
import sys
import time
import urllib.request

API, CAMPAIGN = sys.argv[1], sys.argv[2]
EDITS = [
    ("LEARNING_RATE", "0.1", "a tenfold learning rate: the baseline underfits in 10 epochs"),
    ("MOMENTUM", "0.9", "heavy-ball momentum speeds up SGD on this smooth loss"),
    ("EPOCHS", "40", "more epochs, now that the step size is right"),
    ("HIDDEN_UNITS", "2048", "a much wider hidden layer (may exceed the size cap)"),
    ("ACTIVATION", '"relu"', "relu trains faster than tanh in shallow nets"),
]


def call(path, body=None, raw=False):
    request = urllib.request.Request(API + path, method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.read().decode() if raw else json.load(response)


def wait(trial_id):
    while True:
        trial = call(f"/trials/{trial_id}")
        if trial["state"] in ("FINISHED", "CANCELLED"):
            return trial
        time.sleep(0.5)


def show(trial):
    score = "-" if trial["score"] is None else f"{trial['score']:.4f}"
    print(f"  trial {trial['number']:>2}  {trial['label'] or trial['state']:<16} score {score:<8} "
          f"{trial['hypothesis'][:70]}", flush=True)


def one_line_diff(path, text, old, new):
    """A unified diff replacing line `old` of `text` by `new`, with three lines of context."""
    lines = text.split("\n")
    at = lines.index(old)
    before, after = lines[max(0, at - 3):at], lines[at + 1:at + 4]
    start, length = at - len(before) + 1, len(before) + 1 + len(after)
    body = [" " + l for l in before] + ["-" + old, "+" + new] + [" " + l for l in after]
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -{start},{length} +{start},{length} @@\n" + "\n".join(body) + "\n")


show(wait(call(f"/campaigns/{CAMPAIGN}/trials/0")["id"]))
for knob, value, why in EDITS:
    best = call(f"/campaigns/{CAMPAIGN}/trials/{call(f'/campaigns/{CAMPAIGN}')['bestNumber']}")
    text = call(f"/trials/{best['id']}/files/train.py", raw=True)
    old = re.search(rf"^{knob} = .*$", text, re.M).group(0)
    new = f"{knob} = {value}"
    trial = call(f"/campaigns/{CAMPAIGN}/trials", {"hypothesis": f"{old} -> {new}: {why}",
                                                    "diff": one_line_diff("train.py", text, old, new),
                                                    "specialist": "demo"})
    show(wait(trial["id"]))
campaign = call(f"/campaigns/{CAMPAIGN}")
print(f"best: trial {campaign['bestNumber']} with {campaign['metric']} {campaign['bestScore']:.4f} "
      f"(baseline {campaign['baselineScore']:.4f})", flush=True)
