#!/usr/bin/env python3
"""Verify an Empiric campaign export offline, without trusting the server that wrote it.

    python3 verify.py EXPORT_DIR --key PUBLIC_KEY
    python3 verify.py --self-test

PUBLIC_KEY is the server's Ed25519 public key as the operator published it (base64 of its 32 raw
bytes, 64 hex digits, a PEM public key, or a file holding one of these). Take it from the operator,
never from the export itself.

Checks, in order: the manifest; the checkpoint's signature; the record chain, its count and its
RFC 6962 Merkle root; the files the records name (diffs, logs, proposer views); the event log's
chain; every record's commit, tree, parent and diff against repo.bundle (git recomputes them); that
every KEEP and DISCARD follows the declared keep rule; and that results.tsv, tree.tsv, best.json,
LEADERBOARD.md and KNOWLEDGE.md are exactly what the records give.

Exit status: 0 when everything holds (with a summary), 1 when something does not (the first broken
item first, then the rest), 2 when the command itself is wrong (no such folder, unreadable key,
no git).

Needs only Python 3.8+ and `git` on PATH. Python has no Ed25519, so a small verifier written from
RFC 8032 section 5.1 is included; `--self-test` checks it, the Merkle tree and the canonical JSON
against published test vectors.
"""

import argparse
import base64
import concurrent.futures
import decimal
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

CHECKPOINT_FORMAT = "empiric-checkpoint/1"
LABELS = {"BASELINE", "KEEP", "DISCARD", "INVALID_PATCH", "ILLEGAL_EDIT", "PREFLIGHT_FAILED", "CRASH", "OOM",
          "RECIPE_TIMEOUT", "SCORING_TIMEOUT", "SIZE_BLOCKED", "GATE_FAILED", "NO_SCORE", "INFRA_ERROR"}
STATES = {"QUEUED", "RUNNING", "FINISHED", "CANCELLED"}
RECORD_FIELDS = {"number", "parent", "specialist", "hypothesis", "expected_delta", "diff_sha256", "commit", "tree",
                 "state", "label", "source_status", "reason", "score", "score_std", "metrics", "artifact_bytes",
                 "judgement", "timings", "attempts", "proposer_view_sha256", "log_sha256", "prev_sha256"}
JUDGEMENT_FIELDS = {"incumbent", "incumbent_score", "noise_floor", "keep_threshold"}
TIMING_FIELDS = {"submitted_at", "started_at", "finished_at", "recipe_seconds", "scoring_seconds"}
# Messages name values as '%s', never with repr(): dev.empiric.export.Verifier prints the same text.
EVENT_FIELDS = {"seq", "type", "trial", "actor", "at", "payload", "prev_hash", "hash"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
EVENT_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
# The first event of a campaign's log chains to 64 zeros (dev.empiric.campaign.EventLog.GENESIS).
GENESIS = "0" * 64
SHA256 = re.compile(r"^[0-9a-f]{64}$")
OBJECT_ID = re.compile(r"^[0-9a-f]{40}$")
# The paper's views: keep every constant and text rule in step with dev.empiric.export.PaperViews.
LEADERBOARD_SIZE = 20
RECENT_SIZE = 30
PATH_ELEMENTS = 64
GENERATED = "*Regenerated from trials.jsonl by Empiric; verify.py recomputes it and compares.*\n"


# ----------------------------------------------------------------------------- Ed25519 (RFC 8032)

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_BASE = (_GX, _GY, 1, _GX * _GY % _P)
_IDENTITY = (0, 1, 1, 0)


def _point_add(p, q):
    # Extended twisted Edwards coordinates, RFC 8032 section 5.1.4.
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_mul(s, p):
    q = _IDENTITY
    while s > 0:
        if s & 1:
            q = _point_add(q, p)
        p = _point_add(p, p)
        s >>= 1
    return q


def _point_equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _point_decompress(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(public_key, message, signature):
    """RFC 8032 section 5.1.7: True iff signature is public_key's signature of message."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _point_decompress(public_key)
    r = _point_decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _point_equal(_point_mul(s, _BASE), _point_add(r, _point_mul(h, a)))


# ----------------------------------------------------------------------------- hashes, Merkle tree, canonical JSON

def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def merkle_root(leaves):
    """RFC 6962 section 2.1 tree head over byte strings, bottom-up with its left-heavy split."""
    level_hashes = []  # (subtree size, hash), sizes strictly decreasing
    for leaf in leaves:
        node = (1, hashlib.sha256(b"\x00" + leaf).digest())
        while level_hashes and level_hashes[-1][0] == node[0]:
            size, left = level_hashes.pop()
            node = (size * 2, hashlib.sha256(b"\x01" + left + node[1]).digest())
        level_hashes.append(node)
    if not level_hashes:
        return hashlib.sha256(b"").hexdigest()
    root = level_hashes[-1][1]
    for _, left in reversed(level_hashes[:-1]):
        root = hashlib.sha256(b"\x01" + left + root).digest()
    return root.hex()


def es_number(x):
    """A double as ECMAScript prints it (RFC 8785 section 3.2.2.3)."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("%r is not a JSON number" % x)
    if x == 0:
        return "0"
    mantissa, _, exponent = repr(abs(x)).partition("e")  # repr is the shortest round-tripping form
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        text = (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + ("-" if e < 0 else "+") + str(abs(e))
    return ("-" if x < 0 else "") + text


def canonical(value):
    """RFC 8785 canonical JSON text of a parsed value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2 ** 53:
            raise ValueError("%d is not exactly a double" % value)
        return str(value)
    if isinstance(value, float):
        return es_number(value)
    if isinstance(value, str):
        value.encode("utf-8")  # refuses lone surrogates
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))  # UTF-16 code unit order
        return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError("%r has no JSON form" % (value,))


def parse_canonical(line):
    """The value of a canonical JSON line, or raise ValueError saying why it is not one."""
    try:
        text = line.decode("utf-8")
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError("not JSON (%s)" % e)
    try:
        again = canonical(value).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError("not canonical JSON (%s)" % e)
    if again != line:
        raise ValueError("not in RFC 8785 canonical form (members out of order, a number or escape written"
                         " differently, or a duplicate member)")
    return value


def read_public_key(text):
    """The 32 raw bytes of an Ed25519 public key given as base64, hex, PEM, or a file holding one."""
    if os.path.isfile(text):
        with open(text, "r", encoding="ascii") as f:
            text = f.read()
    text = text.strip()
    pem = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", text, re.S)
    if pem:
        der = base64.b64decode("".join(pem.group(1).split()))
        if len(der) != 44 or der[:12] != bytes.fromhex("302a300506032b6570032100"):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return der[12:]
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("not an Ed25519 public key (expected base64 of 32 bytes, 64 hex digits or PEM): %r" % text[:80])
    return raw


def fingerprint(raw_public_key):
    return "ed25519:" + sha256_hex(raw_public_key)[:16]


# ----------------------------------------------------------------------------- the paper's views

def exp(number):
    return "" if number is None else "%03d" % number



def paired_test(gains, min_delta):
    """(mean gain, p) of the one-sided paired t-test that the mean gain exceeds min_delta; p from
    Student's t in closed form (Abramowitz and Stegun 26.7.3-4), as dev.empiric.trial.PairedTest."""
    n = len(gains)
    mean = sum(gains) / n
    sd = (sum((g - mean) ** 2 for g in gains) / (n - 1)) ** 0.5
    excess = mean - min_delta
    if sd > 0:
        t = excess / (sd / n ** 0.5)
    else:
        t = float("inf") if excess > 0 else float("-inf") if excess < 0 else 0.0
    return mean, t_upper_tail(t, n - 1)


def t_upper_tail(t, df):
    """P(T > t) for Student's t with a whole number df of degrees of freedom."""
    if t == float("inf"):
        return 0.0
    if t == float("-inf"):
        return 1.0
    theta = math.atan(abs(t) / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, (df - 2) // 2 + 1):
            term *= cos2 * (2 * k - 1) / (2.0 * k)
            total += term
        within = math.sin(theta) * total
    elif df == 1:
        within = 2 * theta / math.pi
    else:
        term, total = 1.0, 1.0
        for k in range(1, (df - 3) // 2 + 1):
            term *= cos2 * (2.0 * k) / (2 * k + 1)
            total += term
        within = 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    return (1 - within) / 2 if t >= 0 else (1 + within) / 2

def num(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError("not a number: %r" % value)
    return str(value) if isinstance(value, int) else es_number(value)


def tsv(value):
    if value is None:
        return ""
    if any(c in value for c in "\t\n\r\""):
        return '"' + value.replace('"', '""') + '"'
    return value


def flat(value):
    if value is None:
        return ""
    return re.sub(r"[ \t\n\r\f\v]+", " ", value).strip(" ")


def cut(value, limit):
    return value[:limit] + "..." if len(value) > limit else value


def cell(value, limit):
    return cut(flat(value), limit).replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def status(r):
    return (r["label"] or r["state"] or "unknown").lower()


_EXACT = decimal.Context(prec=2000)


def delta(r):
    """Score minus the incumbent's score, as the exact decimal difference of the printed numbers."""
    incumbent = r["judgement"]["incumbent_score"]
    if r["score"] is None or incumbent is None:
        return ""
    difference = _EXACT.subtract(decimal.Decimal(num(r["score"])), decimal.Decimal(num(incumbent)))
    return format(_EXACT.normalize(difference), "f")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1) - datetime(1970, 1, 1)


def micros(timestamp):
    moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // _MICROSECOND


def kept(r):
    return r["label"] in ("BASELINE", "KEEP") and r["score"] is not None


def better_first_key(goal):
    if goal == "MAXIMIZE":
        return lambda r: (-r["score"], r["number"])
    return lambda r: (r["score"], r["number"])


def best_record(records, goal):
    candidates = [r for r in records if kept(r)]
    return min(candidates, key=better_first_key(goal)) if candidates else None


def render_results(records, campaign):
    rows = ["\t".join(["exp_id", "timestamp", "specialist", "parent_exp", "baseline_exp", "domain", "hypothesis",
                       "expected_delta", "status", tsv(campaign["metric"]), "score_std", "delta_vs_best",
                       "artifact_bytes", "train_s", "eval_s", "total_s", "attempts", "commit", "metrics", "notes"])]
    for r in records:
        t = r["timings"]
        total = None
        if t["started_at"] is not None and t["finished_at"] is not None:
            total = (micros(t["finished_at"]) - micros(t["started_at"])) / 1000000
        rows.append("\t".join([
            exp(r["number"]), t["finished_at"] or "", tsv(r["specialist"]), exp(r["parent"]),
            exp(r["judgement"]["incumbent"]), tsv(r["specialist"]), tsv(r["hypothesis"]), num(r["expected_delta"]),
            status(r), num(r["score"]), num(r["score_std"]), delta(r), num(r["artifact_bytes"]),
            num(t["recipe_seconds"]), num(t["scoring_seconds"]), num(total), str(r["attempts"]), tsv(r["commit"]),
            tsv(canonical(r["metrics"])) if r["metrics"] else "", tsv(r["reason"])]))
    return "".join(row + "\n" for row in rows)


def render_tree(records, campaign):
    out = ["\t".join(["exp_id", "parent_exp", "depth", "path", "specialist", "status", tsv(campaign["metric"]),
                      "delta_vs_best", "hypothesis"]) + "\n"]
    index = {r["number"]: i for i, r in enumerate(records)}
    children = [[] for _ in records]
    is_child = [False] * len(records)
    for i, r in enumerate(records):
        p = index.get(r["parent"]) if r["parent"] is not None else None
        if p is not None:
            children[p].append(i)
            is_child[i] = True
    visited = [False] * len(records)
    for pass_ in (0, 1):
        for root in range(len(records)):
            if visited[root] or (pass_ == 0 and is_child[root]):
                continue
            visited[root] = True
            stack = [(root, 0)]
            path = []
            while stack:
                node, depth = stack.pop()
                del path[depth:]
                r = records[node]
                path.append(exp(r["number"]))
                shown = ".../" + "/".join(path[-PATH_ELEMENTS:]) if len(path) > PATH_ELEMENTS else "/".join(path)
                out.append("\t".join([exp(r["number"]), exp(r["parent"]), str(depth), shown, tsv(r["specialist"]),
                                      status(r), num(r["score"]), delta(r), tsv(r["hypothesis"])]) + "\n")
                fresh = [c for c in children[node] if not visited[c]]
                for c in fresh:
                    visited[c] = True
                for c in reversed(fresh):
                    stack.append((c, depth + 1))
    return "".join(out)


def render_best(records, campaign):
    r = best_record(records, campaign["goal"])
    if r is None:
        return "{}\n"
    return canonical({"exp_id": exp(r["number"]), "specialist": r["specialist"], "hypothesis": r["hypothesis"],
                      "metric": campaign["metric"], "score": r["score"],
                      "timestamp": r["timings"]["finished_at"], "commit": r["commit"], "tree": r["tree"],
                      "delta_vs_prev": float(delta(r)) if delta(r) else None}) + "\n"


def render_leaderboard(records, campaign):
    metric = cell(campaign["metric"], 100)
    md = ["# Leaderboard\n", GENERATED, "\n## Current Best\n"]
    best = best_record(records, campaign["goal"])
    if best is None:
        md.append("- none: no trial has been kept yet\n")
    else:
        md.append("- **exp_id**: %s\n- **%s**: %s\n- **specialist**: %s\n- **hypothesis**: %s\n- **commit**: %s\n" % (
            exp(best["number"]), metric, num(best["score"]), cell(best["specialist"], 100),
            cell(best["hypothesis"], 120), best["commit"] if best["commit"] is not None else "none"))
    md.append("\n## Top %d Kept Trials\n\n| exp | %s | Δ | specialist | hypothesis |\n"
              "|-----|---------|---|------------|------------|\n" % (LEADERBOARD_SIZE, metric))
    for r in sorted((r for r in records if kept(r)), key=better_first_key(campaign["goal"]))[:LEADERBOARD_SIZE]:
        md.append("| %s | %s | %s | %s | %s |\n" % (exp(r["number"]), num(r["score"]), delta(r),
                                                     cell(r["specialist"], 100), cell(r["hypothesis"], 100)))
    return "".join(md)


def chain_to_best(records, campaign):
    index = {r["number"]: i for i, r in enumerate(records)}
    best = best_record(records, campaign["goal"])
    chain, seen = [], set()
    i = index[best["number"]] if best is not None else None
    while i is not None and i not in seen:
        seen.add(i)
        if kept(records[i]):
            chain.insert(0, records[i])
        parent = records[i]["parent"]
        i = index.get(parent) if parent is not None else None
    return chain


def render_knowledge(records, campaign):
    metric = flat(campaign["metric"])
    md = ["# Research Knowledge Base\n", GENERATED,
          "\n## Research Tree\nThe full tree is `tree.tsv` (preorder, siblings adjacent; columns: exp_id, parent_exp,"
          " depth, path, specialist, status, %s, delta_vs_best, hypothesis).\n\n" % cell(campaign["metric"], 100)]
    chain = chain_to_best(records, campaign)
    if not chain:
        md.append("**Current-best lineage**: none yet\n")
    else:
        md.append("**Current-best lineage** (root → best):\n\n")
        for k, r in enumerate(chain):
            line = ("    " if k == 0 else "     └─ ") + "exp_%s [%s, %s, %s=%s" % (
                exp(r["number"]), flat(r["specialist"]), status(r), metric, num(r["score"]))
            if delta(r):
                line += ", Δ=" + delta(r)
            line += "] " + cut(flat(r["hypothesis"]), 120) + (" ← BEST" if k == len(chain) - 1 else "")
            md.append(line + "\n")
    md.append("\n## Recent Activity (last %d)\n\n| exp | specialist | status | %s | hypothesis |\n"
              "|-----|------------|--------|---------|------------|\n" % (RECENT_SIZE, cell(campaign["metric"], 100)))
    finished = [r for r in records if r["timings"]["finished_at"] is not None]
    finished.sort(key=lambda r: (r["timings"]["finished_at"], r["number"]), reverse=True)
    for r in finished[:RECENT_SIZE]:
        md.append("| %s | %s | %s | %s | %s |\n" % (exp(r["number"]), cell(r["specialist"], 100), status(r),
                                                      num(r["score"]), cell(r["hypothesis"], 80)))
    md.append("\n## Outcomes\n\n| status | trials |\n|--------|--------|\n")
    counts = {}
    for r in records:
        counts[status(r)] = counts.get(status(r), 0) + 1
    for name in sorted(counts):
        md.append("| %s | %d |\n" % (name, counts[name]))
    return "".join(md)


VIEWS = [("results.tsv", render_results), ("tree.tsv", render_tree), ("best.json", render_best),
         ("LEADERBOARD.md", render_leaderboard), ("KNOWLEDGE.md", render_knowledge)]


# ----------------------------------------------------------------------------- the checks

class Verification:
    def __init__(self, folder, public_key, use_git=True):
        self.folder = folder
        self.public_key = public_key
        self.use_git = use_git
        self.failures = []
        self.summary = []
        self.checkpoint = None
        self.campaign = None
        self.records = []
        self.lines = []
        self.by_number = {}

    def fail(self, message):
        self.failures.append(message)

    def path(self, name):
        return os.path.join(self.folder, *name.split("/"))

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def exists(self, name):
        return os.path.isfile(self.path(name))

    def run(self):
        for check in (self.check_manifest, self.check_checkpoint, self.check_records, self.check_files,
                      self.check_events, self.check_git, self.check_labels, self.check_views):
            try:
                check()
            except Exception as e:  # a malformed export must end in a failure report, not a traceback
                self.fail("%s: the check stopped on malformed input: %s: %s" % (check.__name__[6:], type(e).__name__, e))
        return not self.failures

    # -- manifest: every file present, listed and unchanged; it catches accidents, the signature the rest
    def check_manifest(self):
        if not self.exists("MANIFEST.json"):
            self.fail("MANIFEST.json is missing")
            return
        manifest = json.loads(self.read("MANIFEST.json").decode("utf-8"))
        listed = manifest.get("files", {})
        on_disk = set()
        for directory, _, names in os.walk(self.folder):
            for name in names:
                relative = os.path.relpath(os.path.join(directory, name), self.folder).replace(os.sep, "/")
                if relative != "MANIFEST.json" and "__pycache__" not in relative.split("/"):
                    on_disk.add(relative)
        for name in sorted(listed):
            if name.startswith("/") or ".." in name.split("/"):
                self.fail("MANIFEST.json lists the unsafe path '%s'" % name)
            elif name not in on_disk:
                self.fail("%s is listed in MANIFEST.json but missing" % name)
            elif sha256_hex(self.read(name)) != listed[name]:
                self.fail("%s: its sha256 is %s, MANIFEST.json says %s: the file was changed"
                          % (name, sha256_hex(self.read(name)), listed[name]))
        for name in sorted(on_disk - set(listed)):
            self.fail("%s is not listed in MANIFEST.json" % name)
        self.summary.append("manifest: %d files match MANIFEST.json" % len(listed))

    # -- checkpoint: signed by the given key
    def check_checkpoint(self):
        if not self.exists("checkpoint"):
            self.fail("checkpoint is missing")
            return
        try:
            checkpoint = parse_canonical(self.read("checkpoint").rstrip(b"\n"))
        except ValueError as e:
            self.fail("checkpoint: %s" % e)
            return
        if checkpoint.get("format") != CHECKPOINT_FORMAT:
            self.fail("checkpoint: format '%s' is not %s, which this verify.py reads"
                      % (checkpoint.get("format"), CHECKPOINT_FORMAT))
            return
        given = fingerprint(self.public_key)
        unsigned = {k: v for k, v in checkpoint.items() if k != "signature"}
        try:
            signature = base64.b64decode(checkpoint.get("signature") or "", validate=True)
        except ValueError:
            signature = b""
        if checkpoint.get("key") != given:
            self.fail("checkpoint: signed by key %s, not by the given key %s: it comes from another server or"
                      " was re-signed" % (checkpoint.get("key"), given))
        elif not ed25519_verify(self.public_key, canonical(unsigned).encode("utf-8"), signature):
            self.fail("checkpoint: the signature does not verify with the given key %s: the checkpoint was changed"
                      " after it was signed, or signed with another key" % given)
        else:
            self.summary.append("checkpoint: signed by %s, the given key, at %s"
                                % (given, checkpoint.get("created_at")))
        self.checkpoint = checkpoint
        self.campaign = checkpoint.get("campaign") or {}

    # -- records: canonical, in order, none missing, chained, counted and rooted as signed
    def check_records(self):
        if not self.exists("trials.jsonl"):
            self.fail("trials.jsonl is missing")
            return
        data = self.read("trials.jsonl")
        if data and not data.endswith(b"\n"):
            self.fail("trials.jsonl: the last line is cut short")
        self.lines = data.split(b"\n")[:-1] if data else []
        numbers = []
        for i, line in enumerate(self.lines, 1):
            try:
                record = parse_canonical(line)
            except ValueError as e:
                self.fail("trials.jsonl line %d: %s" % (i, e))
                self.records = []
                return
            problem = record_problem(record)
            if problem:
                self.fail("trials.jsonl line %d (trial %s): %s" % (i, record.get("number"), problem))
                self.records = []
                return
            self.records.append(record)
            numbers.append(record["number"])
        self.by_number = {r["number"]: r for r in self.records}
        seen_later = set(numbers)
        for i, record in enumerate(self.records):
            if i > 0 and record["number"] <= self.records[i - 1]["number"]:
                self.fail("trials.jsonl line %d holds trial %d after trial %d: records out of order (moved or"
                          " swapped)" % (i + 1, record["number"], self.records[i - 1]["number"]))
                break
            expected = self.records[i - 1]["number"] + 1 if i > 0 else 0
            if record["number"] != expected:
                missing = [n for n in range(expected, record["number"]) if n not in seen_later]
                self.fail("trials.jsonl line %d holds trial %d where trial %d belongs: %s" % (
                    i + 1, record["number"], expected,
                    "trial %d is missing (removed)" % missing[0] if missing else "records out of order"))
                break
        for i in range(len(self.records)):
            previous = sha256_hex(self.lines[i - 1]) if i > 0 else None
            if self.records[i]["prev_sha256"] != previous:
                self.fail("trials.jsonl: the record before trial %d (line %d) does not hash to its prev_sha256: %s" % (
                    self.records[i]["number"], i + 1,
                    "trial %d was changed" % self.records[i - 1]["number"] if i > 0 else "a record was removed"))
                break
        cp = self.checkpoint or {}
        if len(self.lines) != cp.get("record_count"):
            self.fail("trials.jsonl holds %d records, the signed checkpoint %s: records were added or removed"
                      % (len(self.lines), cp.get("record_count")))
        head = sha256_hex(self.lines[-1]) if self.lines else None
        if head != cp.get("record_head"):
            self.fail("trials.jsonl: the last record%s does not hash to the signed record_head: it was changed"
                      % (" (trial %d)" % self.records[-1]["number"] if self.records else ""))
        root = merkle_root(self.lines)
        if root != cp.get("merkle_root"):
            self.fail("trials.jsonl: the Merkle root of its %d records is %s, the signed root is %s: a record was"
                      " changed, added, removed or moved" % (len(self.lines), root, cp.get("merkle_root")))
        self.summary.append("records: %d trials in order, chained, Merkle root %s as signed" % (len(self.lines), root))

    # -- files the records name: diffs, logs and proposer views, by hash
    def check_files(self):
        referenced = set()
        counts = {"diffs": 0, "logs": 0, "views": 0}
        for r in self.records:
            n = r["number"]
            for folder, name, field in (("diffs", "diffs/%d.diff" % n, "diff_sha256"),
                                        ("logs", "logs/%d.log" % n, "log_sha256"),
                                        ("views", "views/%s.md" % r["proposer_view_sha256"], "proposer_view_sha256")):
                expected = r[field]
                if expected is None:
                    if folder != "views" and self.exists(name):
                        self.fail("trial %d: %s exists but the record has no %s" % (n, name, field))
                    continue
                referenced.add(name)
                if not self.exists(name):
                    self.fail("trial %d: %s is missing" % (n, name))
                elif sha256_hex(self.read(name)) != expected:
                    self.fail("trial %d: %s does not match the record's %s: the %s was changed"
                              % (n, name, field, folder[:-1]))
                else:
                    counts[folder] += 1
        for folder in ("diffs", "logs", "views"):
            directory = self.path(folder)
            if os.path.isdir(directory):
                for name in sorted(os.listdir(directory)):
                    if folder + "/" + name not in referenced:
                        self.fail("%s/%s is not named by any record" % (folder, name))
        self.summary.append("files: %d diffs, %d logs and %d proposer views match their records"
                            % (counts["diffs"], counts["logs"], len({r["proposer_view_sha256"] for r in self.records
                                                                     if r["proposer_view_sha256"]})))

    # -- events: the server's own log, each event hashed and chained by its rule, counted and headed as signed
    def check_events(self):
        data = self.read("events.jsonl") if self.exists("events.jsonl") else None
        if data is None:
            self.fail("events.jsonl is missing")
            return
        lines = data.split(b"\n")[:-1] if data else []
        events, previous = [], GENESIS
        for seq, line in enumerate(lines, 1):
            try:
                event = parse_canonical(line)
            except ValueError as e:
                self.fail("events.jsonl line %d: %s" % (seq, e))
                return
            problem = event_problem(event)
            if problem:
                self.fail("events.jsonl line %d: %s" % (seq, problem))
                return
            if event["seq"] != seq:
                self.fail("events.jsonl line %d holds event %s where event %d belongs: an event was removed or moved"
                          % (seq, event["seq"], seq))
                return
            if event["prev_hash"] != previous:
                self.fail("events.jsonl: event %d %s: an event was removed, inserted or changed" % (
                    seq, "does not start the chain (its prev_hash is not 64 zeros)" if seq == 1 else
                    "does not chain to event %d (its prev_hash is not that event's hash)" % (seq - 1)))
                return
            if event_hash(event) != event["hash"]:
                self.fail("events.jsonl: event %d does not hash to its recorded hash: it was changed" % seq)
                return
            if event["trial"] is not None and event["trial"] not in self.by_number and self.records:
                self.fail("events.jsonl event %d concerns trial %s, which has no record" % (seq, event["trial"]))
            events.append(event)
            previous = event["hash"]
        cp = self.checkpoint or {}
        head = previous if events else None
        if len(events) != cp.get("event_count") or head != cp.get("event_head"):
            self.fail("events.jsonl holds %d events ending in %s; the signed checkpoint says %s ending in %s:"
                      " events were changed, added or removed"
                      % (len(events), head, cp.get("event_count"), cp.get("event_head")))
            return
        agreeing = self.check_log_against_records(events)
        self.summary.append("events: %d events in order, each hashed and chained by the server's rule, as signed; %d"
                            " trials' submissions and outcomes agree with their records" % (len(events), agreeing))

    def check_log_against_records(self, events):
        """The log and the records are two accounts of the same trials: each submission's diff and commit, and
        each trial's last outcome (label and score, or its cancellation), must be the same in both."""
        submissions, outcomes = {}, {}
        for event in events:
            if event["trial"] is None:
                continue
            if event["type"] in ("trial.submitted", "trial.rejected"):
                submissions[event["trial"]] = event
            if event["type"] in ("trial.finished", "trial.rejected", "trial.cancelled"):
                outcomes[event["trial"]] = event
        agreeing = 0
        for r in self.records:
            n, before = r["number"], len(self.failures)
            submitted, outcome = submissions.get(n), outcomes.get(n)
            if submitted is not None:
                facts = payload_of(submitted)
                diff, commit = text_or_none(facts.get("diffSha256")), text_or_none(facts.get("commit"))
                if diff != r["diff_sha256"]:
                    self.fail("trial %d: event %d (%s) recorded the diff's sha256 as %s, trials.jsonl says %s"
                              % (n, submitted["seq"], submitted["type"], diff, r["diff_sha256"]))
                elif commit != r["commit"]:
                    self.fail("trial %d: event %d (%s) recorded commit %s, trials.jsonl says %s"
                              % (n, submitted["seq"], submitted["type"], commit, r["commit"]))
            if outcome is not None:
                facts = payload_of(outcome)
                if outcome["type"] == "trial.cancelled":
                    if r["state"] != "CANCELLED":
                        self.fail("trial %d is %s in trials.jsonl, but event %d (trial.cancelled) cancelled it"
                                  % (n, r["state"], outcome["seq"]))
                else:
                    label = text_or_none(facts.get("label"))
                    score = facts.get("score")
                    score = score if isinstance(score, (int, float)) and not isinstance(score, bool) else None
                    if label != r["label"]:
                        self.fail("trial %d is labelled %s in trials.jsonl, but event %d (%s) recorded %s"
                                  % (n, r["label"], outcome["seq"], outcome["type"], label))
                    elif score != r["score"] or (score is None) != (r["score"] is None):
                        self.fail("trial %d scored %s in trials.jsonl, but event %d (%s) recorded %s"
                                  % (n, num(r["score"]), outcome["seq"], outcome["type"], num(score)))
            if (submitted is not None or outcome is not None) and len(self.failures) == before:
                agreeing += 1
        return agreeing

    # -- git: each record's commit, tree, parent and diff, recomputed from repo.bundle
    def check_git(self):
        committed = [r for r in self.records if r["commit"] is not None]
        if not committed:
            self.summary.append("git: no trial has a commit (an imported run); nothing to recompute")
            return
        if not self.use_git:
            self.summary.append("git: SKIPPED (--no-git): commits, trees and diffs were not recomputed")
            return
        if not self.exists("repo.bundle"):
            self.fail("repo.bundle is missing, but %d records name commits" % len(committed))
            return
        work = tempfile.mkdtemp(prefix="empiric-verify-")
        try:
            self._check_git(committed, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _check_git(self, committed, work):
        repo = os.path.join(work, "repo.git")
        bundle = os.path.abspath(self.path("repo.bundle"))
        git(["init", "-q", "--bare", repo])
        ok, output = git(["--git-dir", repo, "bundle", "verify", "-q", bundle], check=False)
        if not ok:
            self.fail("repo.bundle: git cannot read it: %s" % (output.strip().splitlines() or ["(no message)"])[-1])
            return
        git(["--git-dir", repo, "fetch", "-q", "--no-tags", bundle, "+refs/*:refs/*"])
        refs = {}
        for line in git(["--git-dir", repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/trials/"])[1] \
                .splitlines():
            name, _, oid = line.partition(" ")
            refs[name] = oid
        objects = cat_commits(repo, [r["commit"] for r in committed])
        problems, jobs = {}, []
        for r in committed:
            n = r["number"]
            commit = objects.get(r["commit"])
            ref = refs.get("refs/trials/%d" % n)
            parent = self.by_number.get(r["parent"]) if r["parent"] is not None else None
            if commit is None:
                problems[n] = "trial %d: commit %s is not in repo.bundle" % (n, r["commit"])
            elif ref != r["commit"]:
                problems[n] = "trial %d: repo.bundle's refs/trials/%d is %s, not the record's commit %s" % (
                    n, n, ref or "missing", r["commit"])
            elif commit["tree"] != r["tree"]:
                problems[n] = "trial %d: commit %s holds tree %s, the record says %s" % (
                    n, r["commit"], commit["tree"], r["tree"])
            elif r["parent"] is None:
                if commit["parents"]:
                    problems[n] = "trial %d has no parent trial, but its commit has parents %s" % (n, commit["parents"])
            elif parent is None or parent["commit"] is None:
                problems[n] = "trial %d: its parent trial %s has no commit to build on" % (n, r["parent"])
            elif commit["parents"] != [parent["commit"]]:
                problems[n] = "trial %d: its commit's parent is %s, not trial %d's commit %s" % (
                    n, commit["parents"], r["parent"], parent["commit"])
            elif r["diff_sha256"] is None:
                problems[n] = "trial %d has a parent but no diff to recompute its tree from" % n
            else:
                jobs.append((n, r["parent"], parent["tree"], r["tree"], os.path.abspath(self.path("diffs/%d.diff" % n))))
        # Each re-application is three short git runs; a few at a time, each with its own index file.
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) + 1)) as pool:
            for n, problem in zip([job[0] for job in jobs],
                                  pool.map(lambda job: reapply(repo, work, job), jobs)):
                if problem:
                    problems[n] = problem
        for r in committed:
            if r["number"] in problems:
                self.fail(problems[r["number"]])
        applied = sum(1 for job in jobs if job[0] not in problems)
        self.summary.append("git: %d commits found in repo.bundle with their trees and parents; %d diffs re-applied"
                            " to their parent's tree give the recorded tree" % (len(committed), applied))

    def confirmed_label(self, n, j, goal, improvement):
        """The label a trial's confirmation decides, after checking that its rounds give what it says:
        KEEP for CONFIRMED, DISCARD for NOT_CONFIRMED or CANDIDATE_FAILED; None when the threshold alone
        decided (no confirmation, or one stopped because another trial became the best, after which the
        trial was judged again). A CONFIRMED whose rounds do not pass the paired test is a failure."""
        c = j.get("confirmation")
        if not isinstance(c, dict) or not isinstance(c.get("outcome"), str) or c["outcome"] == "SUPERSEDED" \
                or c.get("incumbent") != j["incumbent"]:
            return None
        min_delta = float(c.get("minDelta", 0.0))
        if not improvement > min_delta:
            self.fail("trial %d was sent to a confirmation, but it improves on trial %d by %s, not more than"
                      " min_delta %s" % (n, j["incumbent"], num(improvement), num(min_delta)))
        if c["outcome"] != "CONFIRMED":
            return "DISCARD"
        gains, candidate_failed = [], False
        for rnd in c.get("rounds") or []:
            cand = (rnd.get("candidate") or {}).get("score")
            inc = (rnd.get("incumbent") or {}).get("score")
            numeric = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
            candidate_failed |= not numeric(cand)
            if numeric(cand) and numeric(inc):
                gains.append(cand - inc if goal == "MAXIMIZE" else inc - cand)
        alpha = float(c.get("alpha", 0.0))
        test = paired_test(gains, min_delta) if len(gains) >= 2 else None
        if candidate_failed or test is None or not test[0] > 0 or not test[1] < alpha:
            self.fail("trial %d's confirmation says CONFIRMED, but its rounds give %s" % (n, (
                "a candidate without a score" if candidate_failed else "fewer than two scored pairs" if test is None
                else "a paired test with mean gain %s and p %s against alpha %s" % (num(test[0]), num(test[1]),
                                                                                   num(alpha)))))
        return "KEEP"

    # -- labels: KEEP and DISCARD follow the declared keep rule against the incumbent in force
    def check_labels(self):
        if self.campaign is None:
            return
        campaign = self.campaign
        goal, rule, imported = campaign.get("goal"), campaign.get("keep_rule"), campaign.get("imported_from")
        if goal not in ("MAXIMIZE", "MINIMIZE"):
            self.fail("checkpoint: the campaign's goal %r is neither MAXIMIZE nor MINIMIZE" % goal)
            return
        checked, unchecked = 0, 0
        incumbents = sorted((r for r in self.records if kept(r) and r["timings"]["finished_at"] is not None),
                            key=lambda r: r["timings"]["finished_at"])
        for r in self.records:
            n = r["number"]
            if r["label"] == "BASELINE" and r["parent"] is not None:
                self.fail("trial %d is labelled BASELINE but has parent trial %d" % (n, r["parent"]))
            if r["label"] not in ("KEEP", "DISCARD"):
                continue
            j = r["judgement"]
            if r["score"] is None or j["incumbent"] is None or j["incumbent_score"] is None \
                    or j["keep_threshold"] is None:
                if imported:
                    unchecked += 1
                else:
                    self.fail("trial %d is labelled %s without the score, incumbent and threshold it was judged by"
                              % (n, r["label"]))
                continue
            incumbent = self.by_number.get(j["incumbent"])
            if incumbent is None or not kept(incumbent):
                self.fail("trial %d was judged against trial %s, which is not a kept trial" % (n, j["incumbent"]))
                continue
            if incumbent["score"] != j["incumbent_score"]:
                self.fail("trial %d was judged against trial %d's score %s, but trial %d scored %s"
                          % (n, j["incumbent"], num(j["incumbent_score"]), j["incumbent"], num(incumbent["score"])))
                continue
            if rule is not None:
                floor = j["noise_floor"] if j["noise_floor"] is not None else 0.0
                threshold = max(rule["min_delta"], rule["z"] * floor)
                if threshold != j["keep_threshold"]:
                    self.fail("trial %d: keep threshold %s is not max(min_delta %s, z %s x noise floor %s) = %s"
                              % (n, num(j["keep_threshold"]), num(rule["min_delta"]), num(rule["z"]), num(floor),
                                 num(threshold)))
                    continue
            improvement = r["score"] - j["incumbent_score"] if goal == "MAXIMIZE" else j["incumbent_score"] - r["score"]
            confirmed = self.confirmed_label(n, j, goal, improvement)
            expected = confirmed or ("KEEP" if improvement > j["keep_threshold"] else "DISCARD")
            if confirmed is not None and r["label"] != confirmed:
                self.fail("trial %d is labelled %s, but its confirmation against trial %d ended %s: the keep rule"
                          " says %s" % (n, r["label"], j["incumbent"], j["confirmation"]["outcome"], confirmed))
                continue
            if r["label"] != expected:
                self.fail("trial %d is labelled %s, but its score %s %s the incumbent trial %d (%s) by %s against a"
                          " threshold of %s: the keep rule says %s" % (
                              n, r["label"], num(r["score"]), "improves on" if improvement > 0 else "does not beat",
                              j["incumbent"], num(j["incumbent_score"]), num(abs(improvement)),
                              num(j["keep_threshold"]), expected))
                continue
            finished, since = r["timings"]["finished_at"], incumbent["timings"]["finished_at"]
            if not imported and finished is not None:
                # Judged under the campaign's lock: the incumbent is the last keep that finished before.
                if since is None or since > finished:
                    self.fail("trial %d was judged against trial %d, which finished after it"
                              % (n, j["incumbent"]))
                    continue
                newer = [k["number"] for k in incumbents
                         if since < k["timings"]["finished_at"] < finished and k is not r]
                if newer:
                    self.fail("trial %d was judged against trial %d, but trial %d had become the best before"
                              " trial %d finished" % (n, j["incumbent"], newer[-1], n))
                    continue
            checked += 1
        note = " (%d imported labels not checkable: their harness kept no threshold)" % unchecked if unchecked else ""
        self.summary.append("labels: %d KEEP/DISCARD decisions follow the keep rule against the incumbent in force%s"
                            % (checked, note))

    # -- views: byte for byte what the records give
    def check_views(self):
        if not self.records and self.lines:
            return
        campaign = self.campaign or {}
        for name, render in VIEWS:
            if not self.exists(name):
                self.fail("%s is missing" % name)
                continue
            expected = render(self.records, campaign).encode("utf-8")
            actual = self.read(name)
            if expected != actual:
                self.fail(first_difference(name, expected, actual))
        self.summary.append("views: %s match the records" % ", ".join(name for name, _ in VIEWS))


def record_problem(r):
    if not isinstance(r, dict):
        return "a record is a JSON object"
    missing = RECORD_FIELDS - set(r)
    if missing:
        return "missing fields: " + ", ".join(sorted(missing))
    if not isinstance(r["number"], int) or isinstance(r["number"], bool):
        return "number is not an integer"
    if r["parent"] is not None and not isinstance(r["parent"], int):
        return "parent is not an integer"
    if r["label"] is not None and r["label"] not in LABELS:
        return "unknown label '%s'" % r["label"]
    if r["state"] not in STATES:
        return "unknown state '%s'" % r["state"]
    if not isinstance(r["judgement"], dict) or JUDGEMENT_FIELDS - set(r["judgement"]):
        return "judgement needs " + ", ".join(sorted(JUDGEMENT_FIELDS))
    if not isinstance(r["timings"], dict) or TIMING_FIELDS - set(r["timings"]):
        return "timings need " + ", ".join(sorted(TIMING_FIELDS))
    if not isinstance(r["metrics"], dict):
        return "metrics is not an object"
    for field in ("submitted_at", "started_at", "finished_at"):
        value = r["timings"][field]
        if value is not None and not (isinstance(value, str) and TIMESTAMP.match(value)):
            return "%s is not a UTC timestamp with microseconds" % field
    for field in ("diff_sha256", "proposer_view_sha256", "log_sha256", "prev_sha256"):
        if r[field] is not None and not (isinstance(r[field], str) and SHA256.match(r[field])):
            return "%s is not a sha256" % field
    for field in ("commit", "tree"):
        if r[field] is not None and not (isinstance(r[field], str) and OBJECT_ID.match(r[field])):
            return "%s is not a git object id" % field
    if (r["commit"] is None) != (r["tree"] is None):
        return "commit and tree go together"
    for field in ("score", "score_std", "expected_delta"):
        if r[field] is not None and (not isinstance(r[field], (int, float)) or isinstance(r[field], bool)):
            return "%s is not a number" % field
    return None


def event_problem(e):
    if not isinstance(e, dict) or EVENT_FIELDS - set(e):
        return "an event needs the fields " + ", ".join(sorted(EVENT_FIELDS))
    if not is_int(e["seq"]) or not (e["trial"] is None or is_int(e["trial"])):
        return "seq and trial are integers"
    for field in ("type", "actor", "at", "payload", "prev_hash", "hash"):
        if not isinstance(e[field], str):
            return "%s is not text" % field
    if not EVENT_AT.match(e["at"]):
        return "at is not a UTC timestamp with milliseconds"
    if not SHA256.match(e["prev_hash"]) or not SHA256.match(e["hash"]):
        return "prev_hash and hash are SHA-256 hex"
    return None


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def event_hash(e):
    """The server's rule (docs/audit.md): SHA-256 of prev_hash, seq, type, trial, actor, at, payload, one per line."""
    text = "\n".join([e["prev_hash"], str(e["seq"]), e["type"], "" if e["trial"] is None else str(e["trial"]),
                      e["actor"], e["at"], e["payload"]])
    return sha256_hex(text.encode("utf-8"))


def payload_of(event):
    try:
        facts = json.loads(event["payload"])
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def text_or_none(value):
    return value if isinstance(value, str) else None


def split_tsv(text):
    """Rows of fields, undoing tsv() quoting (a quoted field may hold tabs and line breaks)."""
    rows, row, field, quoted, i = [], [], [], False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1:i + 2] == '"':
                field.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                field.append(c)
        elif c == '"' and not field:
            quoted = True
        elif c == "\t":
            row.append("".join(field))
            field = []
        elif c == "\n":
            row.append("".join(field))
            rows.append(row)
            row, field = [], []
        else:
            field.append(c)
        i += 1
    if field or row:
        row.append("".join(field))
        rows.append(row)
    return rows


def first_difference(name, expected, actual):
    want = expected.decode("utf-8", "replace")
    have = actual.decode("utf-8", "replace")
    if name.endswith(".tsv"):
        want_rows, have_rows = split_tsv(want), split_tsv(have)
        header = want_rows[0] if want_rows else []
        for i in range(max(len(want_rows), len(have_rows))):
            w = want_rows[i] if i < len(want_rows) else None
            h = have_rows[i] if i < len(have_rows) else None
            if w == h:
                continue
            if i == 0:
                return "%s: its header is not the one the records give" % name
            if h is None:
                return "%s: the row of trial %s is missing" % (name, w[0])
            if w is None:
                return "%s: row %d ('%s') is not one the records give" % (name, i, h[0][:20])
            for column in range(max(len(w), len(h))):
                a = w[column] if column < len(w) else "(nothing)"
                b = h[column] if column < len(h) else "(nothing)"
                if a != b:
                    return "%s: the row of trial %s differs from what the records give: its %s is '%s', the" \
                           " records give '%s'" % (name, w[0], header[column] if column < len(header)
                                                   else "column %d" % column, b[:120], a[:120])
    want_lines, have_lines = want.split("\n"), have.split("\n")
    for i in range(max(len(want_lines), len(have_lines))):
        w = want_lines[i] if i < len(want_lines) else "(nothing)"
        h = have_lines[i] if i < len(have_lines) else "(nothing)"
        if w != h:
            at = next((k for k in range(min(len(w), len(h))) if w[k] != h[k]), min(len(w), len(h)))
            start = max(0, at - 40)
            return "%s line %d differs from what the records give: expected '%s', found '%s'" % (
                name, i + 1, w[start:at + 60], h[start:at + 60])
    return "%s differs from what the records give" % name


def reapply(repo, work, job):
    """None if the diff applied to the parent's tree gives the recorded tree, else what went wrong."""
    n, parent, parent_tree, tree, diff = job
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(work, "index-%d" % n))
    try:
        git(["--git-dir", repo, "read-tree", parent_tree], env=env)
        ok, output = git(["--git-dir", repo, "apply", "--cached", "--whitespace=nowarn", diff], env=env, check=False)
        if not ok:
            return "trial %d: diffs/%d.diff does not apply to trial %d's tree: %s" % (
                n, n, parent, " ".join(output.split())[:300])
        result = git(["--git-dir", repo, "write-tree"], env=env)[1].strip()
        if result != tree:
            return "trial %d: diffs/%d.diff applied to trial %d's tree gives tree %s, not the recorded %s" % (
                n, n, parent, result, tree)
        return None
    finally:
        if os.path.exists(env["GIT_INDEX_FILE"]):
            os.remove(env["GIT_INDEX_FILE"])


def git(arguments, env=None, check=True):
    try:
        done = subprocess.run(["git"] + arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    except OSError as e:
        raise RuntimeError("cannot run git: %s" % e)
    output = done.stdout.decode("utf-8", "replace")
    if check and done.returncode != 0:
        raise RuntimeError("git %s failed: %s" % (" ".join(arguments[:4]), output.strip()[:300]))
    return done.returncode == 0, output


def cat_commits(repo, ids):
    """Commit id -> {tree, parents} for the ids git has as commits, in one git process."""
    wanted = list(dict.fromkeys(ids))
    done = subprocess.run(["git", "--git-dir", repo, "cat-file", "--batch"], input="".join(i + "\n" for i in wanted)
                          .encode("ascii"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, position, commits = done.stdout, 0, {}
    for oid in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].decode("ascii").split()
        position = end + 1
        if len(header) == 2 and header[1] == "missing":
            continue
        size = int(header[2])
        body = out[position:position + size]
        position += size + 1
        if header[1] != "commit":
            continue
        head = body.split(b"\n\n", 1)[0].decode("utf-8", "replace").split("\n")
        commits[oid] = {"tree": next((l[5:] for l in head if l.startswith("tree ")), None),
                        "parents": [l[7:] for l in head if l.startswith("parent ")]}
    return commits


# ----------------------------------------------------------------------------- entry points

def self_test():
    """Published vectors: RFC 8032 test 1, the Certificate Transparency tree heads, RFC 8785 numbers."""
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
                              "39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert ed25519_verify(public, b"", signature), "RFC 8032 test 1 must verify"
    assert not ed25519_verify(public, b"x", signature), "a signature of another message must not verify"
    leaves = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                         "606162636465666768696a6b6c6d6e6f")]
    assert merkle_root(leaves[:1]) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert merkle_root(leaves[:3]) == "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"
    assert merkle_root(leaves) == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    assert merkle_root([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for value, text in ((5e-324, "5e-324"), (1e21, "1e+21"), (1e-7, "1e-7"), (9.999999999999997e-7,
                        "9.999999999999997e-7"), (333333333.33333329, "333333333.3333333"), (-0.0, "0"),
                        (295147905179352830000.0, "295147905179352830000"), (1e23, "1e+23")):
        assert es_number(value) == text, "%r printed %s, not %s" % (value, es_number(value), text)
    sample = '{"\\u20ac":1,"\\r":2,"\\ud83d\\ude00":3,"\\ufb33":4,"a":[1E30,4.50,"\\u000f"]}'
    assert canonical(json.loads(sample)) == '{"\\r":2,"a":[1e+30,4.5,"\\u000f"],"\u20ac":1,"\U0001f600":3,"\ufb33":4}'
    print("self-test passed: Ed25519 (RFC 8032), Merkle tree heads (RFC 6962), canonical JSON (RFC 8785)")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", help="the unzipped export (the folder holding checkpoint)")
    parser.add_argument("--key", help="the server's Ed25519 public key, obtained from its operator")
    parser.add_argument("--no-git", action="store_true", help="skip recomputing commits and diffs from repo.bundle")
    parser.add_argument("--self-test", action="store_true", help="check this script against published vectors")
    args = parser.parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    if not args.folder or not args.key:
        parser.print_usage(sys.stderr)
        print("verify.py: give the export folder and --key", file=sys.stderr)
        return 2
    folder = args.folder
    if not os.path.isfile(os.path.join(folder, "checkpoint")):
        inner = [d for d in os.listdir(folder) if os.path.isfile(os.path.join(folder, d, "checkpoint"))] \
            if os.path.isdir(folder) else []
        if len(inner) != 1:
            print("verify.py: %s is not an export folder (no checkpoint in it)" % folder, file=sys.stderr)
            return 2
        folder = os.path.join(folder, inner[0])
    try:
        public_key = read_public_key(args.key)
    except (ValueError, OSError) as e:
        print("verify.py: %s" % e, file=sys.stderr)
        return 2
    if not args.no_git and shutil.which("git") is None:
        print("verify.py: git is not on PATH (install it, or pass --no-git to skip the repository checks)",
              file=sys.stderr)
        return 2
    verification = Verification(folder, public_key, use_git=not args.no_git)
    ok = verification.run()
    campaign = verification.campaign or {}
    title = "campaign %s '%s' (%s; %s, %s)" % (campaign.get("id"), campaign.get("name"), campaign.get("environment"),
                                            campaign.get("metric"), str(campaign.get("goal")).lower())
    if ok:
        print("VERIFIED %s" % title)
        for line in verification.summary:
            print("  ok  " + line)
        return 0
    print("FAILED: %s" % verification.failures[0])
    if len(verification.failures) > 1:
        print("also broken (%d more):" % (len(verification.failures) - 1))
        for line in verification.failures[1:21]:
            print("  - " + line)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
