"""Web load: wrk against the production server (gunicorn) over a store and index of BENCH_WEB_PROFILES generated
profiles (default 100000), for BENCH_WEB_SECONDS (default 60): half the requests from a fixed mix of pages, half
searches never made before; alone, then while a scrape of the demo sites and a full reindex run in the same
instance. Everything is on loopback. BENCH_WEB_INSTANCE reuses an instance set up by an earlier run.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from directory import thesaurus
from directory.demo.profiles import COUNTRIES, QUERIES, profiles
from directory.server import free_port, wait_until_up

SIZE = int(os.environ.get("BENCH_WEB_PROFILES", "100000"))
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "60"))
CONNECTIONS = 16  # clients that never pause: the most the server answers, and its latency when that busy
DIRECTORY = str(Path(sys.executable).parent / "directory")

# wrk walks through the request paths in turn, and every other request is a search made up on the spot from
# two random words (so the server has almost never seen it), and reports p50/p95 itself (its --latency table
# has no p95). Each wrk thread draws its own words.
WRK_SCRIPT = """
paths = {%s}
words = {%s}
countries = {%s}
i = 0
n = 0
seeds = 0
setup = function(thread)
  seeds = seeds + 1
  thread:set("seed", seeds)
end
init = function(args)
  math.randomseed(seed)
end
request = function()
  n = n + 1
  if n %% 2 == 0 then
    local q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
    local kind = math.random(3)
    if kind == 1 then return wrk.format("GET", "/search?q=" .. q) end
    if kind == 2 then
      return wrk.format("GET", "/search?q=" .. q .. "&country=" .. countries[math.random(#countries)])
    end
    return wrk.format("GET", "/api/v1/search?q=" .. q)
  end
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%.3f %%.3f %%.3f %%d %%d %%d %%d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency.max / 1000, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def paths(base):
    """Mixed traffic: HTML searches with a country, API searches with a region, browsing, expert pages."""
    found = json.load(urllib.request.urlopen(f"{base}/api/v1/search?q=energy&per_page=50"))
    experts = [f"/experts/{r['id']}" for r in found["results"]]
    regions = ["europe", "asia", "eu", "north-america"]
    mixed = []
    for n, (words, country) in enumerate(QUERIES):
        q = urllib.parse.quote_plus(words)
        mixed.append(f"/search?q={q}&country={country}")
        mixed.append(f"/api/v1/search?q={q}&region={regions[n % len(regions)]}")
        mixed.append(f"/search?q={q}")
        if n % 3 == 0:
            mixed.append(f"/search?country={country}")
        mixed.append(experts[n % len(experts)])
    return mixed


def wrk_script(mixed):
    """The Lua script for wrk: the fixed paths, and the words and countries of made-up searches."""
    words = sorted({urllib.parse.quote_plus(word.lower()) for concept in thesaurus.concepts()
                    for label in concept.labels["en"] for word in label.split() if len(word) > 3})
    quoted = (", ".join(json.dumps(item) for item in items) for items in (mixed, words, sorted(set(COUNTRIES))))
    return WRK_SCRIPT % tuple(quoted)


def run_directory(env, *args, **kwargs):
    return subprocess.run([DIRECTORY, *args], env=env, check=True, stdout=subprocess.DEVNULL, **kwargs)


def worker_memory(server_pid):
    """Resident memory (MB) of each gunicorn worker."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)
    return sizes


def set_up(instance):
    """A fresh instance holding SIZE generated profiles; returns (import seconds, reindex seconds)."""
    instance.mkdir()
    # All the load comes from one address, so the per-client rate limits are switched off for this run.
    (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    run_directory(env, "init")
    rows = instance.parent / "profiles.jsonl"
    with open(rows, "w", encoding="utf-8") as out:
        for p in profiles(SIZE):
            out.write(json.dumps({**p, "profile_url": f"https://www.example.edu/staff/{p['id']}"}) + "\n")
    started = time.perf_counter()
    run_directory(env, "import", str(rows))
    imported = time.perf_counter() - started
    started = time.perf_counter()
    run_directory(env, "reindex", stderr=subprocess.DEVNULL)
    return imported, time.perf_counter() - started


def run():
    if shutil.which("wrk") is None:
        return "Web load", [{"result": "not run: wrk is not installed (Debian package wrk)"}], ""
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    # BENCH_WEB_INSTANCE: an instance set up by an earlier run (kept, and written to by the busy run),
    # to measure again without the minutes of set-up.
    instance = Path(os.environ.get("BENCH_WEB_INSTANCE") or folder / "instance")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    server = None
    try:
        imported, reindexed = set_up(instance) if not instance.exists() else (None, None)
        port = free_port()
        log = folder / "server.log"
        server = subprocess.Popen([DIRECTORY, "serve", "--port", str(port), "--workers", "2"], env=env,
                                  stdout=open(log, "a"), stderr=subprocess.STDOUT)  # appended: emptied between runs
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        mixed = paths(base)
        rows = []
        for label, busy in (("warming up (not counted)", False), ("search only", False),
                            ("while a scrape and a reindex run", True)):
            row = measure(base, env, folder, mixed, busy, seconds=20 if not rows else SECONDS)
            row = {"profiles": SIZE, "traffic": label, **row,
                   "worker MB": "/".join(map(str, worker_memory(server.pid)))}
            log.write_text("")  # each run counts its own
            print(row, flush=True)
            rows.append(row)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    setting_up = (f"Setting up: import of {SIZE} profiles {imported:.0f} s, reindex {reindexed:.0f} s. "
                  if imported is not None else f"An instance set up earlier: {instance}. ")
    notes = (f"wrk (2 threads, {CONNECTIONS} connections that never pause) against `directory serve --workers 2` "
             f"(gunicorn, sync workers) on 127.0.0.1. Half the requests go through {len(mixed)} paths in turn: HTML "
             "searches with and without a country, API searches with a region, browsing a country, expert pages. "
             "The other half are searches made up on the spot from two random words of the thesaurus (HTML, HTML "
             "with a country, API), so the server has almost never seen them: its result cache (per index version) "
             "serves only the first half, a stand-in for a real query log's repeated head and long tail. A 20 s run "
             "warms the server first (not counted). Latency here includes waiting in line: the clients keep the "
             "server saturated. The busy run starts `directory reindex` after 5 s and harvests the demo sites over "
             "and over (`directory demo --no-serve`) throughout. errors: socket errors plus responses other than "
             "2xx/3xx. Rate limits were off (all traffic comes from one address). "
             f"{setting_up}Everything, wrk included, shares the machine's cores. Goal (issue #8): at least 300 "
             "searches/s at p95 under 100 ms on 2 cores.")
    return "Web load", rows[1:], notes


def measure(base, env, folder, mixed, busy, seconds):
    """One wrk run; with ``busy``, a reindex and a scrape loop run meanwhile. Returns a row of results."""
    script = folder / "mixed.lua"
    script.write_text(wrk_script(mixed))
    background = []
    if busy:
        background = [subprocess.Popen(["sh", "-c", f"sleep 5; '{DIRECTORY}' reindex"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                      subprocess.Popen(["sh", "-c", f"while true; do '{DIRECTORY}' demo --no-serve; done"],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       start_new_session=True)]
    done = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), base],
                          capture_output=True, text=True, check=True)
    reindex_status = background[0].wait() if busy else ""
    for process in background[1:]:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    logged = (folder / "server.log").read_text(errors="replace")
    statuses = re.findall(r'" (\d{3}) ', logged)
    if re.search(r'" 5\d\d ', logged):  # keep what went wrong for whoever reads the run
        kept = Path(tempfile.mkstemp(prefix="bench-web-server-", suffix=".log")[1])
        kept.write_text(logged)
        print(f"server errors: see {kept}", file=sys.stderr)
    requests, errors, bad_status, duration, p50, p95, worst, *kinds = done.stdout.split("RESULT ")[1].split()
    return {"seconds": round(int(duration) / 1e6), "requests/s": round(int(requests) / (int(duration) / 1e6)),
            "p50 (ms)": p50, "p95 (ms)": p95, "max (ms)": worst, "errors": int(errors) + int(bad_status),
            "5xx in the server log": sum(1 for status in statuses if status.startswith("5")),
            "errors: connect/read/write/timeout/status": "/".join(kinds + [bad_status]),
            "reindex exit": reindex_status}
