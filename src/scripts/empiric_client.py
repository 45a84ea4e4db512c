"""A few lines of HTTP for Empiric's scripts: call the API, wait for trials, run a private server.
Writes need an API token: EMPIRIC_TOKEN, or the admin token of the private server once it runs."""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from datetime import datetime

TOKEN = os.environ.get("EMPIRIC_TOKEN")
SERVER_PID = None


def call(api, path, body=None, method=None):
    headers = {"Content-Type": "application/json"}
    if TOKEN:
        headers["Authorization"] = f"Bearer {TOKEN}"
    request = urllib.request.Request(api + path, method=method or ("POST" if body is not None else "GET"),
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def wait_trial(api, trial_id, poll=0.1):
    while True:
        trial = call(api, f"/trials/{trial_id}")
        if trial["state"] in ("FINISHED", "CANCELLED"):
            return trial
        time.sleep(poll)


def seconds_between(start, end):
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


@contextlib.contextmanager
def private_server(properties=None, data=None, jvm_options=()):
    """A server on a free port with extra Java system properties (e.g. {"empiric.evaluator.concurrency":
    2}), JVM options (e.g. ["-Xmx256m"]) and a throw-away data directory, or `data`, which is kept;
    yields its API base URL. Calls then use its admin token, which the server writes to the data
    directory at its first start. SERVER_PID is the server's process id while it runs."""
    global TOKEN, SERVER_PID
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    keep = data is not None
    data = data or tempfile.mkdtemp(prefix="empiric-bench-")
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    server = subprocess.Popen([java, *jvm_options, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                               f"-Dquarkus.http.port={port}",
                               f"-Dempiric.data-dir={data}"]
                              + [f"-D{key}={value}" for key, value in (properties or {}).items()]
                              + ["-jar", "target/quarkus-app/quarkus-run.jar"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    SERVER_PID = server.pid
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://localhost:{port}/q/health/ready")
                break
            except OSError:
                time.sleep(0.5)
        with open(os.path.join(data, "admin-token")) as token:
            TOKEN = token.read().strip()
        yield f"http://localhost:{port}/api"
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not keep:
            shutil.rmtree(data, ignore_errors=True)


def timed(url, runs, touch):
    """Milliseconds of `runs` GETs of `url`, sorted, each after an untimed call of `touch` (a write,
    so that the database cannot answer from a cache of the previous identical query); and the size
    of the last response in bytes."""
    times = []
    size = 0
    for _ in range(runs):
        touch()
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            size = len(response.read())
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times), size
