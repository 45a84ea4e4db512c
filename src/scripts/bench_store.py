"""Benchmark: the store at scale (issue 13). Seeds TRIALS trials over CAMPAIGNS campaigns through the
real schema, then times the requests a user and the runner make on one of those campaigns, and reads
the server's resident memory.

How it seeds: a private server (evaluating nothing) creates the campaigns through the REST API, so
their rows, repositories and baselines are real; it stops, and one INSERT ... SELECT per table fills
the trial rows (finished, labelled, scored, with parents, specialists, hypotheses, diffs and metrics
as wide as real ones) and their search words, in the database itself (SQL over a generated range: a
million rows through HTTP would take an hour); then the server starts again on the same data.

The store: H2 in the data directory by default; BENCH_DB=postgresql uses a fresh database on the local
PostgreSQL that src/scripts/postgres.sh sets up. Prints one table of median / p95 / max ms per request
(RUNS timed runs after 2 warm-ups, each preceded by an untimed submission so H2 cannot serve a cached
result), the server's RSS, and the seeding time. BENCH_JVM_OPTIONS (e.g. -Xmx256m) go to the measured
server; BENCH_RUNS sets the runs (20).
"""
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

from empiric_client import call, private_server, timed
import empiric_client

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
JVM_OPTIONS = os.environ.get("BENCH_JVM_OPTIONS", "").split()
PG = {"host": "localhost", "port": os.environ.get("EMPIRIC_PG_PORT", "5432"), "user": "empiric", "password": "empiric"}
WORDS = ["learning", "momentum", "dropout", "warmup", "cosine", "width", "depth", "batch", "clip", "decay"]
SPECIALISTS = ["opt", "arch", "sched", "reg", "model", "combiner"]
DIFF = ("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -10,7 +10,7 @@ import numpy as np\n"
        " HIDDEN_UNITS = 64\n ACTIVATION = \"relu\"\n-LEARNING_RATE = 0.05\n+LEARNING_RATE = 0.08\n MOMENTUM = 0.9\n"
        " BATCH_SIZE = 64\n EPOCHS = 10\n") * 2


def case(expression, values):
    """A SQL CASE choosing values[expression mod len(values)]."""
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"CASE MOD({expression}, {len(values)}) {whens} END"


def seed_sql(dialect, first_campaign, campaigns, per_campaign):
    total = campaigns * per_campaign
    g_range = (f"SELECT X AS g FROM SYSTEM_RANGE(1, {total})" if dialect == "h2"
               else f"SELECT generate_series(1, {total}) AS g")
    at = lambda seconds: (f"DATEADD(SECOND, {seconds}, TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00')"
                          if dialect == "h2" else f"(TIMESTAMPTZ '2026-01-01 00:00:00+00' + ({seconds}) * INTERVAL '1 second')")
    number = f"(MOD(g - 1, {per_campaign}) + 1)"
    campaign = f"({first_campaign} + (g - 1) / {per_campaign})"
    # one in 20 kept, three failures (no score), the rest discarded: about what the reference runs show
    label = ("CASE MOD(g, 20) WHEN 0 THEN 'KEEP' WHEN 1 THEN 'CRASH' WHEN 2 THEN 'GATE_FAILED'"
             " WHEN 3 THEN 'RECIPE_TIMEOUT' ELSE 'DISCARD' END")
    scored = "MOD(g, 20) NOT IN (1, 2, 3)"
    score = f"CASE WHEN {scored} THEN 0.9 + MOD(g * 37, 1000) / 20000.0 END"
    hypothesis = (f"'raise the ' || {case('g', WORDS)} || ' and lower the ' || {case('g * 7', WORDS)}"
                  f" || ' to ' || CAST(MOD(g * 13, 997) AS VARCHAR(10)) || ': the lineage says this surface still pays'")
    diff = DIFF.replace("'", "''")
    statements = [f"""
INSERT INTO trial (campaign_id, number, parent_number, specialist, hypothesis, diff, commit_id, state, label,
    label_reason, score, score_std, metrics, delta_vs_best, best_at_judgement, notes, submitted_at, started_at,
    finished_at, recipe_seconds, scoring_seconds, artifact_bytes, attempts, noise_floor, keep_threshold)
SELECT {campaign}, {number}, GREATEST(0, {number} - 1 - MOD(g, 3)), {case('g', SPECIALISTS)}, {hypothesis},
    '{diff}', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'FINISHED', {label},
    'synthetic: seeded by bench_store.py', {score}, 0.002,
    CASE WHEN {scored} THEN '{{"accuracy": 0.95, "train_loss": 0.12, "recipe_seconds": 3.1}}' END,
    CASE WHEN {scored} THEN -0.01 END, 0, NULL, {at('g * 10')}, {at('g * 10 + 1')}, {at('g * 10 + 6')},
    3.1, 0.8, 120000, 1, 0.002, 0.007
FROM ({g_range}) r"""]
    for word, expression in [("raise", "'raise'"), ("the", "'the'"), ("and", "'and'"), ("lower", "'lower'"),
                             ("to", "'to'"), ("w1", case("t.number", WORDS)),
                             ("n", "CAST(MOD(t.number * 13, 997) AS VARCHAR(10))")]:
        # the hypothesis's words as TrialWords would index them (its number seeds the two vocabulary
        # words differently from the seeding range; the search results are not what is measured)
        statements.append(f"""
INSERT INTO trial_word (trial_id, word, campaign_id, number)
SELECT t.id, {expression}, t.campaign_id, t.number FROM trial t WHERE t.number > 0""")
    statements.append(f"""
UPDATE trial SET state = 'FINISHED', label = 'BASELINE', score = 0.9, submitted_at = {at(0)},
    started_at = {at(0)}, finished_at = {at(5)}, attempts = 1 WHERE number = 0""")
    statements.append(f"""
UPDATE campaign SET next_number = {per_campaign + 1}, baseline_score = 0.9, noise_floor = 0.002,
    best_number = (SELECT MAX(t.number) FROM trial t WHERE t.campaign_id = campaign.id AND t.label = 'KEEP'),
    best_score = 0.95""")
    return ";\n".join(statements) + ";\n"


def run_sql(dialect, data, database, sql):
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(sql)
    if dialect == "h2":
        jar = glob.glob("target/quarkus-app/lib/main/com.h2database.h2-*.jar")[0]
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        subprocess.run([java, "-cp", jar, "org.h2.tools.RunScript", "-url", f"jdbc:h2:file:{data}/empiric",
                        "-user", "empiric", "-password", "empiric", "-script", script.name], check=True)
    else:
        psql(database, "-f", script.name)
    os.unlink(script.name)


def psql(database, *args):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"],
                    "-d", database, *args], check=True, env={**os.environ, "PGPASSWORD": PG["password"]})


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(total, campaigns):
    dialect = os.environ.get("BENCH_DB", "h2")
    per_campaign = total // campaigns
    data = tempfile.mkdtemp(prefix="empiric-bench-store-")
    database = None
    if dialect == "postgresql":
        database = f"empiric_bench_store_{int(time.time())}"
        psql("empiric", "-c", f"CREATE DATABASE {database}")
        os.environ.update({"EMPIRIC_DB": "postgresql", "EMPIRIC_DB_USER": PG["user"], "EMPIRIC_DB_PASSWORD": PG["password"],
                           "EMPIRIC_JDBC_URL": f"jdbc:postgresql://{PG['host']}:{PG['port']}/{database}"})
    quiet = {"empiric.evaluator.concurrency": 0}
    with private_server(quiet, data) as api:
        ids = [call(api, "/campaigns", {"environment": "digits", "name": f"bench-store-{i}"})["id"]
               for i in range(campaigns)]
    if ids != list(range(ids[0], ids[0] + campaigns)):
        sys.exit(f"campaign ids are not consecutive: {ids[:5]}...")
    started = time.perf_counter()
    run_sql(dialect, data, database, seed_sql(dialect, ids[0], campaigns, per_campaign))
    seeded = time.perf_counter() - started
    print(f"{dialect}: seeded {campaigns * per_campaign:,} trials over {campaigns} campaigns in {seeded:.0f} s")
    with private_server(quiet, data, JVM_OPTIONS) as api:
        pid = empiric_client.SERVER_PID
        c = ids[campaigns // 2]
        extra = iter(range(1, 10 ** 9))
        touch = lambda: call(api, f"/campaigns/{ids[-1]}/trials", {
            "hypothesis": f"touch {next(extra)}", "specialist": "bench", "diff": DIFF.replace("train.py", "scorer/x.py")})
        requests = {
            "trials, filtered (label=KEEP, first page)": f"/campaigns/{c}/trials?label=KEEP",
            "trials, filtered (specialist + label, sorted by score)":
                f"/campaigns/{c}/trials?specialist=opt&label=DISCARD&sort=-score",
            "trials, last page": f"/campaigns/{c}/trials?page={per_campaign // 50}",
            "trial rows, text search": f"/campaigns/{c}/trial-rows?q=cosine",
            "trial by number": f"/campaigns/{c}/trials/{per_campaign // 2}",
            "lineage view (JSON)": f"/campaigns/{c}/lineage",
            "lineage view (Markdown, as a specialist gets it)": f"/campaigns/{c}/lineage?format=markdown",
            "campaign": f"/campaigns/{c}",
            "dashboard data": f"/campaigns/{c}/dashboard",
            "campaign summaries (all campaigns)": "/campaign-summaries",
        }
        print(f"\n| request ({campaigns * per_campaign:,} trials, {dialect}) | median ms | p95 ms | max ms | bytes |")
        print("|---|---|---|---|---|")
        for name, path in requests.items():
            timed(api + path, 2, touch)
            times, size = timed(api + path, RUNS, touch)
            median, p95, worst = statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], times[-1]
            print(f"| {name} | {median:.0f} | {p95:.0f} | {worst:.0f} | {size:,} |")
        print(f"\nserver RSS after the requests: {rss_mb(pid):.0f} MB")
    if database:
        psql("empiric", "-c", f"DROP DATABASE {database}")
    subprocess.run(["rm", "-rf", data])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 100)
