"""Per-trial overhead of Empiric against a bare `docker run` of the same two containers.

Each round runs, side by side: (a) bare: `docker run` of the recipe container then the scoring
container, with the same images and sandbox flags, host folders for output and result; (b) the
platform: one trial submitted over REST on the same recipe (a one-line comment change, so the work
is identical), timed by the server from claim to outcome and by us from submission to outcome.
Prints medians and quartiles.

Then throughput: a burst of BENCH_BURST (default 40) trials submitted at once, counted from the
first claim to the last outcome, at evaluator concurrency 1 and 2, for the cheapest real trials (the
same comment change on digits) and for trivial ones (the tests' `shell` environment, whose recipe and
scorer do nothing: what such a trial costs is the platform and the engine alone).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from empiric_client import call, private_server, seconds_between, wait_trial

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
SANDBOX = ["--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
           "--user", "65534:65534", "--pids-limit", "128", "--memory", "512m", "--memory-swap", "512m",
           "--cpus", "1", "--tmpfs", "/tmp:size=64m", "--init"]


def bare_pair(recipe_image, scorer_image, tree):
    out, result = tempfile.mkdtemp(), tempfile.mkdtemp()
    os.chmod(out, 0o777)
    os.chmod(result, 0o777)
    started = time.perf_counter()
    subprocess.run([DOCKER, "run", "--rm", *SANDBOX, "-v", f"{tree}:/work/recipe:ro", "-w", "/work/recipe",
                    "-v", f"{out}:/work/out", "-e", "EMPIRIC_SEED=0", "-e", "EMPIRIC_OUT=/work/out",
                    recipe_image, "python3", "train.py"], check=True, capture_output=True)
    subprocess.run([DOCKER, "run", "--rm", *SANDBOX, "-v", f"{out}:/work/out:ro", "-v", f"{result}:/result",
                    "-e", "EMPIRIC_OUT=/work/out", "-e", "EMPIRIC_NONCE=x", "-e", "EMPIRIC_RESULT=/result/result.json",
                    scorer_image, "python3", "/opt/scorer/score.py"], check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    with open(os.path.join(result, "result.json")) as f:
        json.load(f)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(result, ignore_errors=True)
    return elapsed


def summary(name, values):
    q = statistics.quantiles(values, n=4)
    return f"| {name} | {statistics.median(values):.3f} | {q[0]:.3f} | {q[2]:.3f} | {len(values)} |"


def comment_diff(path, lines, at, tag):
    """A diff that appends a comment to line `at` (0-based) of a file: a new recipe doing the same work."""
    before, after = lines[max(0, at - 3):at], lines[at + 1:at + 4]
    start, length = at - len(before) + 1, len(before) + 1 + len(after)
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -{start},{length} +{start},{length} @@\n" + "\n".join(
                [" " + l for l in before] + ["-" + lines[at], f"+{lines[at]}  # {tag}"] + [" " + l for l in after]) + "\n")


def recipe_edits(recipe_file, anchor):
    """Comment edits of one line of a recipe file: each a distinct recipe that does the same work."""
    lines = open(recipe_file).read().splitlines()
    at = lines.index(anchor)
    return lambda tag: comment_diff(os.path.basename(recipe_file), lines, at, tag)


def measured_campaign(api, environment, name):
    campaign = call(api, "/campaigns", {"environment": environment, "name": name})["id"]
    wait_trial(api, call(api, f"/campaigns/{campaign}/trials/0")["id"])
    return campaign


def burst(api, campaign, edit, count):
    """Trials per minute over a burst of `count` trials submitted at once, first claim to last outcome."""
    ids = [call(api, f"/campaigns/{campaign}/trials", {"hypothesis": f"burst trial {i}", "diff": edit(f"burst {i}"),
                                                       "parent": 0, "specialist": "bench"})["id"] for i in range(count)]
    done = [wait_trial(api, trial_id, poll=0.05) for trial_id in ids]
    assert all(t["label"] in ("DISCARD", "KEEP") for t in done), [t["label"] for t in done]
    first = min(done, key=lambda t: t["startedAt"])
    last = max(done, key=lambda t: t["finishedAt"])
    return count / seconds_between(first["startedAt"], last["finishedAt"]) * 60


def throughput(environment, edit, count, properties=None):
    """Bursts at evaluator concurrency 1 and 2, each on a server of its own."""
    rates = []
    for concurrency in (1, 2):
        with private_server({**(properties or {}), "empiric.evaluator.concurrency": concurrency}) as api:
            rates.append(burst(api, measured_campaign(api, environment, f"throughput at {concurrency}"), edit, count))
    return rates


def main():
    tree = tempfile.mkdtemp()
    shutil.copytree("environments/digits/recipe", tree, dirs_exist_ok=True)
    digits_edit = recipe_edits(os.path.join(tree, "train.py"), "VALIDATION_FRACTION = 0.1")
    count = int(os.environ.get("BENCH_BURST", "40"))
    with private_server() as api:
        campaign = measured_campaign(api, "digits", "overhead benchmark")
        tag = call(api, "/environments/digits")["contentHash"][:12]
        recipe_image, scorer_image = f"empiric-env/digits:recipe-{tag}", f"empiric-env/digits:scorer-{tag}"
        bare, evaluation, latency = [], [], []
        for i in range(RUNS):
            bare.append(bare_pair(recipe_image, scorer_image, tree))
            trial = call(api, f"/campaigns/{campaign}/trials", {"hypothesis": f"benchmark round {i}",
                         "diff": digits_edit(f"round {i}"), "parent": 0, "specialist": "bench"})
            done = wait_trial(api, trial["id"], poll=0.02)
            assert done["label"] in ("DISCARD", "KEEP"), done
            evaluation.append(seconds_between(done["startedAt"], done["finishedAt"]))
            latency.append(seconds_between(done["submittedAt"], done["finishedAt"]))
            print(f"round {i + 1}/{RUNS}: bare {bare[-1]:.2f} s, platform {evaluation[-1]:.2f} s", flush=True)
        overhead = [p - b for p, b in zip(evaluation, bare)]
        print("\n| seconds per trial | median | p25 | p75 | runs |\n|---|---|---|---|---|")
        print(summary("bare `docker run` recipe + scorer", bare))
        print(summary("platform: claim to outcome", evaluation))
        print(summary("platform: submission to outcome", latency))
        print(summary("overhead (platform - bare, same round)", overhead))
    digits = throughput("digits", digits_edit, count)
    shell = os.path.abspath("src/test/resources/environments")
    trivial = throughput("shell", recipe_edits(os.path.join(shell, "shell/recipe/run.sh"), "SLEEP=0"), count,
                         {"empiric.environments-dir": shell})
    print(f"\nthroughput of {count} trials submitted at once (first claim to last outcome), trials/min at"
          f" evaluator concurrency 1 / 2: digits {digits[0]:.0f} / {digits[1]:.0f}, trivial (shell)"
          f" {trivial[0]:.0f} / {trivial[1]:.0f}")


if __name__ == "__main__":
    main()
