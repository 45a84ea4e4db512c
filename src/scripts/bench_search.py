"""Search efficacy (issue 12): the built-in roster against the searches a user would otherwise run,
at equal trial budgets on one private server.

Arms (BENCH_ARMS selects and orders them, comma-separated keys; default the first five):
  roster   built-in specialists (one per surface, combiner, knob model) with the lineage view
  blind    the same with settings.lineageView = false
  random   uniform random search over every knob (runner, specialists ["random"])
  optuna   Optuna's TPE sampler (Debian's python3-optuna, defaults) as an external agent over REST:
           it proposes knob values, we write them into the recipe's knob lines as a unified diff on
           the baseline, submit, read the score back; failures are told to Optuna as failed trials
  greedy   a greedy single chain as an external agent (karpathy/autoresearch style): perturb one or
           two knobs of the current best, submit on it, move on only when the trial is KEEP
  model    the knob model alone (runner, specialists ["model"]); not in the default set

Each arm x repeat is a fresh campaign (different campaign ids and seeds give different draws). The
arms of a repeat run side by side; the evaluator's concurrency is BENCH_EVALUATORS (default 1).
BENCH_FIRST_REPEAT=k numbers the repeats from k, to add repeats to an earlier run: the specialists
and the external agents draw from seeds made of the campaign id (and the repeat), and a fresh server
numbers campaigns from 1, so placeholder campaigns move the ids to where repeat k of one long run
would have had them (otherwise repeat 1 would be replayed with the same draws).
Prints one line per campaign and a summary table; writes results.json and best-so-far.png to
BENCH_OUT (default target/bench-search/<env>). `--report` re-renders from an existing results.json.
"""
import difflib
import json
import math
import os
import random
import re
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from empiric_client import call, private_server, wait_trial

SCORED = ("BASELINE", "KEEP", "DISCARD")
ARMS = {
    "roster": "built-in roster + lineage",
    "blind": "built-in roster, no lineage",
    "random": "uniform random search",
    "optuna": "Optuna TPE (external agent)",
    "greedy": "greedy single chain (external agent)",
    "model": "knob model alone",
}
RUNNER_ARMS = {"roster": ({}, None), "blind": ({"lineageView": False}, None), "random": ({}, ["random"]),
               "model": ({}, ["model"])}


def better(goal, a, b):
    return a > b if goal == "MAXIMIZE" else a < b


# --- recipes as text: knob lines and diffs (the same rules as KnobLiterals) ---------------------------
def knob_line(name):
    return re.compile(r"^(" + re.escape(name) + r"\s*=\s*)(.*?)(\s*#.*)?$", re.MULTILINE)


def read_knob(text, name):
    match = knob_line(name).search(text)
    return match.group(2) if match else None


def write_knob(text, name, literal):
    match = knob_line(name).search(text)
    return text[:match.start(2)] + literal + text[match.end(2):]


def literal_of(knob, value, current):
    if knob["type"] == "choice":
        if isinstance(value, str):
            quote = current[0] if current[:1] in ("'", '"') else '"'
            return quote + value + quote
        return str(value)
    if knob["type"] == "int":
        return str(int(round(value)))
    return repr(float(f"{value:.3g}"))


def unified_diff(path, before, after):
    body = "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}", n=3))
    return f"diff --git a/{path} b/{path}\n{body}" if body else ""


class Recipe:
    """The campaign's baseline recipe and its knobs, for the external agents."""

    def __init__(self, api, campaign, knobs):
        baseline = call(api, f"/campaigns/{campaign}/trials/0")
        self.knobs = list(knobs)
        self.files = {k["file"] for k in knobs}
        self.text = {f: fetch_text(api, baseline["id"], f) for f in self.files}
        self.baseline = {k["name"]: read_knob(self.text[k["file"]], k["name"]) for k in knobs}

    def render(self, config):
        """The files with every knob set to config's literal."""
        text = dict(self.text)
        for knob in self.knobs:
            text[knob["file"]] = write_knob(text[knob["file"]], knob["name"], config[knob["name"]])
        return text

    def diff(self, before, after):
        return "".join(unified_diff(path, before[path], after[path]) for path in sorted(self.files))


def fetch_text(api, trial_id, path):
    with urllib.request.urlopen(f"{api}/trials/{trial_id}/files/{path}") as response:
        return response.read().decode()


def submit(api, campaign, hypothesis, diff, parent, specialist):
    trial = call(api, f"/campaigns/{campaign}/trials", {"hypothesis": hypothesis, "diff": diff, "parent": parent,
                                                        "specialist": specialist})
    return wait_trial(api, trial["id"], poll=0.3)


# --- the external agents -------------------------------------------------------------------------------
def optuna_agent(api, campaign, knobs, goal, trials, seed):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    recipe = Recipe(api, campaign, knobs)
    study = optuna.create_study(direction="maximize" if goal == "MAXIMIZE" else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    for _ in range(trials):
        trial = study.ask()
        config = {}
        for knob in knobs:
            name = knob["name"]
            if knob["type"] == "choice":
                value = trial.suggest_categorical(name, knob["choices"])
            elif knob["type"] == "int":
                value = trial.suggest_int(name, int(knob["min"]), int(knob["max"]),
                                          log=bool(knob.get("log")) and knob["min"] >= 1)
            else:
                value = trial.suggest_float(name, knob["min"], knob["max"],
                                            log=bool(knob.get("log")) and knob["min"] > 0)
            config[name] = literal_of(knob, value, recipe.baseline[name])
        diff = recipe.diff(recipe.text, recipe.render(config))
        if not diff:  # Optuna asked for the baseline itself: its score is known, no trial is spent twice
            study.tell(trial, call(api, f"/campaigns/{campaign}/trials/0")["score"])
            continue
        done = submit(api, campaign, "optuna TPE: " + ", ".join(f"{k}={v}" for k, v in config.items()), diff, 0,
                      "optuna")
        if done["label"] in SCORED and done["score"] is not None:
            study.tell(trial, done["score"])
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)


def perturb(knob, literal, rng):
    """One knob of the best, moved: another option, or a normal step of 0.15 of its (log) range."""
    if knob["type"] == "choice":
        current = literal.strip("'\"")
        options = [c for c in knob["choices"] if str(c) != current]
        return literal_of(knob, rng.choice(options), literal)
    lo, hi = knob["min"], knob["max"]
    log = bool(knob.get("log")) and lo > 0
    to_unit = (lambda v: (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))) if log \
        else (lambda v: (v - lo) / (hi - lo))
    from_unit = (lambda u: math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))) if log \
        else (lambda u: lo + u * (hi - lo))
    unit = to_unit(min(max(float(literal), lo), hi)) + rng.gauss(0, 0.15)
    unit = -unit if unit < 0 else 2 - unit if unit > 1 else unit
    return literal_of(knob, min(max(from_unit(min(max(unit, 0), 1)), lo), hi), literal)


def greedy_agent(api, campaign, knobs, goal, trials, seed):
    rng = random.Random(seed)
    recipe = Recipe(api, campaign, knobs)
    best, best_number, best_text = dict(recipe.baseline), 0, recipe.text
    tried = {tuple(sorted(best.items()))}
    for _ in range(trials):
        for _attempt in range(200):
            config = dict(best)
            for knob in rng.sample(knobs, 1 if rng.random() < 0.7 else 2):
                config[knob["name"]] = perturb(knob, best[knob["name"]], rng)
            if tuple(sorted(config.items())) not in tried:
                break
        tried.add(tuple(sorted(config.items())))
        text = recipe.render(config)
        changes = ", ".join(f"{k} {best[k]} -> {v}" for k, v in config.items() if v != best[k])
        done = submit(api, campaign, "greedy: " + changes, recipe.diff(best_text, text), best_number, "greedy")
        if done["label"] == "KEEP":
            best, best_number, best_text = config, done["number"], text


# --- campaigns -------------------------------------------------------------------------------------------
def retrying(action):
    for _ in range(60):
        try:
            return action()
        except urllib.error.HTTPError as error:
            if error.code < 500 and error.code != 409:
                raise
            time.sleep(1)
    return action()


def wait_baseline(api, campaign):
    while True:
        view = call(api, f"/campaigns/{campaign}")
        if view["bestScore"] is not None or view["status"] == "FAILED":
            return view
        time.sleep(1)


def all_trials(api, campaign):
    rows, page = [], 0
    while True:
        chunk = call(api, f"/campaigns/{campaign}/trials?sort=number&size=500&page={page}")
        rows += chunk["items"]
        if len(rows) >= chunk["total"] or not chunk["items"]:
            return rows
        page += 1


def run(api, environment, spec, arm, repeat, trials):
    goal = spec["metric"]["goal"]
    knobs = [k for surface in spec["surfaces"].values() for k in surface]
    settings, specialists = RUNNER_ARMS.get(arm, ({}, None))
    campaign = call(api, "/campaigns", {"environment": environment, "name": f"{arm} #{repeat}",
                                        "settings": settings})["id"]
    started = time.time()
    if arm in RUNNER_ARMS:
        request = {"maxTrials": trials}
        if specialists:
            request["specialists"] = specialists
        retrying(lambda: call(api, f"/campaigns/{campaign}/runner", request))
        while True:
            runner = call(api, f"/campaigns/{campaign}/runner")
            if runner["state"] != "RUNNING" and runner["inFlight"] == 0:
                break
            time.sleep(2)
    else:
        wait_baseline(api, campaign)
        agent = optuna_agent if arm == "optuna" else greedy_agent
        agent(api, campaign, knobs, goal, trials, seed=1000 * repeat + campaign)
    view = call(api, f"/campaigns/{campaign}")
    rows = [{"number": r["number"], "label": r["label"], "score": r["score"], "specialist": r["specialist"]}
            for r in all_trials(api, campaign)]
    result = {"arm": arm, "repeat": repeat, "campaign": campaign, "goal": goal, "minutes": (time.time() - started) / 60,
              "keptBest": view["bestScore"], "keepThreshold": view["keepThreshold"], "trials": rows}
    summary = summarise(result)
    print(f"{ARMS[arm]:<38} #{repeat}  trials {len(rows) - 1:>3}  kept {summary['kept']:.4f}  "
          f"scored {summary['scored']:.4f}  keeps {summary['keeps']:>2}  {summary['failures'] or ''}  "
          f"{result['minutes']:.1f} min", flush=True)
    return result


# --- the report ------------------------------------------------------------------------------------------
def curve(result):
    """Best scored so far after each trial (index 0: the baseline)."""
    best, out = None, []
    for row in result["trials"]:
        if row["label"] in SCORED and row["score"] is not None and (best is None or better(result["goal"], row["score"], best)):
            best = row["score"]
        out.append(best)
    return out


def summarise(result):
    labels = [row["label"] for row in result["trials"][1:]]
    failures = {}
    for label in labels:
        if label not in SCORED:
            failures[label] = failures.get(label, 0) + 1
    return {"kept": result["keptBest"], "scored": curve(result)[-1], "keeps": labels.count("KEEP"),
            "failures": failures}


def spread(values):
    return statistics.stdev(values) if len(values) > 1 else 0.0


def report(results, environment, trials, out):
    arms = [arm for arm in ARMS if any(r["arm"] == arm for r in results)]
    goal = results[0]["goal"]
    mine = {arm: [r for r in results if r["arm"] == arm] for arm in arms}
    random_best = statistics.mean(summarise(r)["scored"] for r in mine["random"]) if "random" in mine else None
    repeats = max(len(v) for v in mine.values())
    print(f"\n{environment}, {trials} trials per campaign, {repeats} repeats, goal {goal}; "
          f"keep threshold {statistics.mean(r['keepThreshold'] for r in results):.4f} (mean)\n")
    print("| arm | best scored: mean ± sd | min | max | kept best: mean ± sd | keeps | failures (all repeats) "
          "| trials to random's final best |")
    print("|---|---|---|---|---|---|---|---|")
    for arm in arms:
        sums = [summarise(r) for r in mine[arm]]
        scored = [s["scored"] for s in sums]
        kept = [s["kept"] for s in sums]
        failures = {}
        for s in sums:
            for label, count in s["failures"].items():
                failures[label] = failures.get(label, 0) + count
        reach = "-"
        if random_best is not None:
            hits = [next((t for t, v in enumerate(curve(r)) if v is not None
                          and (v == random_best or better(goal, v, random_best))), None) for r in mine[arm]]
            reached = [h for h in hits if h is not None]
            reach = (f"{statistics.median(reached):.0f} ({len(reached)}/{len(hits)} reached)" if reached
                     else f"not reached (0/{len(hits)})")
        print(f"| {ARMS[arm]} | {statistics.mean(scored):.4f} ± {spread(scored):.4f} | {min(scored):.4f} | "
              f"{max(scored):.4f} | {statistics.mean(kept):.4f} ± {spread(kept):.4f} | "
              f"{statistics.mean(s['keeps'] for s in sums):.1f} | "
              f"{', '.join(f'{k} {v}' for k, v in sorted(failures.items())) or 'none'} | {reach} |")
    if random_best is not None:
        print(f"\nrandom's final best (mean best scored): {random_best:.4f}")
    plot(mine, environment, trials, goal, os.path.join(out, "best-so-far.png"))


def plot(mine, environment, trials, goal, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(8, 5))
    for arm, results in mine.items():
        curves = [curve(r) for r in results]
        length = min(len(c) for c in curves)
        xs = list(range(length))
        mean = [statistics.mean(c[t] for c in curves) for t in xs]
        low = [min(c[t] for c in curves) for t in xs]
        high = [max(c[t] for c in curves) for t in xs]
        line, = axes.plot(xs, mean, label=f"{ARMS[arm]} (n={len(curves)})")
        axes.fill_between(xs, low, high, color=line.get_color(), alpha=0.12)
    axes.set_xlabel("trial")
    axes.set_ylabel(f"best score so far ({'higher' if goal == 'MAXIMIZE' else 'lower'} is better)")
    axes.set_title(f"{environment}: best scored so far, mean and range over repeats")
    # The first few trials span the whole range; the comparison is in the part after them.
    means = [statistics.mean(curve(r)[min(5, trials)] for r in results) for results in mine.values()]
    finals = [curve(r)[-1] for results in mine.values() for r in results]
    low, high = (min(means), max(finals)) if goal == "MAXIMIZE" else (min(finals), max(means))
    pad = 0.05 * (high - low or 1)
    axes.set_ylim(low - pad, high + pad)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right" if goal == "MAXIMIZE" else "upper right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    print(f"plot: {path}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    environment = args[0] if args else "digits"
    trials = int(args[1]) if len(args) > 1 else 50
    repeats = int(args[2]) if len(args) > 2 else 3
    out = os.environ.get("BENCH_OUT", os.path.join("target", "bench-search", environment))
    os.makedirs(out, exist_ok=True)
    results_path = os.path.join(out, "results.json")
    if "--report" in sys.argv:
        with open(results_path) as f:
            report(json.load(f), environment, trials, out)
        return
    arms = [a for a in os.environ.get("BENCH_ARMS", "roster,blind,random,optuna,greedy").split(",") if a]
    unknown = [a for a in arms if a not in ARMS]
    if unknown:
        sys.exit(f"unknown arms {unknown}; known: {list(ARMS)}")
    evaluators = int(os.environ.get("BENCH_EVALUATORS", "1"))
    results = []
    pool = ThreadPoolExecutor(max_workers=len(arms))
    try:
        with private_server({"empiric.evaluator.concurrency": evaluators}) as api:
            spec = call(api, f"/environments/{environment}")["spec"]
            first = int(os.environ.get("BENCH_FIRST_REPEAT", "1"))
            for _ in range((first - 1) * len(arms)):
                call(api, "/campaigns", {"environment": "digits", "name": "placeholder: moves the campaign ids on"})
            for repeat in range(first, first + repeats):
                for result in pool.map(lambda arm: run(api, environment, spec, arm, repeat, trials), arms):
                    results.append(result)
                with open(results_path, "w") as f:
                    json.dump(results, f)
    finally:
        # On an interrupt the server is stopped first (leaving the with-block), so the arms' threads
        # fail fast instead of keeping the process alive.
        pool.shutdown(wait=False, cancel_futures=True)
    report(results, environment, trials, out)


if __name__ == "__main__":
    main()
