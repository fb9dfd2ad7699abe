"""Index build and query speed: Whoosh (our backend) beside SQLite FTS5 and tantivy, same profiles and queries.

Query: topic words + country filter + country facet counts, top 20. Sizes from BENCH_PROFILES, a comma list
(default 100000,1000000).
"""
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from directory.demo.profiles import QUERIES, profiles
from directory.search import SearchIndex, sentences
from directory.thesaurus import expansion_groups

SIZES = [int(n) for n in os.environ.get("BENCH_PROFILES", "100000,1000000").split(",")]
ROUNDS = 5
# The share of the profiles' interests made specific by another label ("Corrosion in offshore wind"): a million
# real profiles hold far more distinct interests than the vocabulary's 1,400 English labels, and the sentence
# encoder's vectors (sentences.MOST_INTERESTS of them at most) are searched whole for each query.
SPECIFIC = 0.3
UPDATES = 20000  # changed profiles written through the incremental path


def corpus(count, seed=2010):
    """The profiles every engine indexes: ``directory.demo.profiles``, a SPECIFIC share of interests specific."""
    return profiles(count, seed, specific=SPECIFIC)


def timed(run, queries, rounds=ROUNDS):
    """p50 and p95 in milliseconds over every query, ``rounds`` times."""
    samples = []
    for _ in range(rounds):
        for words, country in queries:
            started = time.perf_counter()
            run(words, country)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return round(statistics.median(samples), 1), round(samples[max(0, int(len(samples) * 0.95) - 1)], 1)


def as_a_worker(path):
    """Open the index at ``path`` and answer every query as a web worker does, timing it: printed as JSON for
    ``fresh_worker``. (Timed here, not in the process that built the index, whose memory and caches are
    nothing like a worker's.)"""
    index = SearchIndex(path)
    sentences.encoder()  # as the server loads it, before forking its workers
    started = time.perf_counter()
    index.searcher()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    index.search("", per_page=1)  # reads per-document facts (country, topics...) once per index version
    first = time.perf_counter() - started

    def run(words, country):  # as the site searches: the words and their thesaurus expansions
        index.search(words, country=country, per_page=20, expansions=expansion_groups(words), by_meaning=True)

    new, repeated = timed(run, QUERIES, rounds=1), timed(run, QUERIES)
    status = Path("/proc/self/status").read_text()
    megabytes = {key: int(re.search(key + r":\s+(\d+)", status).group(1)) // 1024 for key in ("VmHWM", "RssAnon")}
    print(json.dumps({"opened": opened, "first": first, "new": new, "repeated": repeated, "memory": megabytes}))


def fresh_worker(path):
    """``as_a_worker`` in a new process. Its memory: the peak resident size, which counts the index file pages
    it has touched (mapped, shared between workers and given back under pressure), and its private memory at
    the end."""
    code = "import sys; from bench.index import as_a_worker; as_a_worker(sys.argv[1])"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout)


def whoosh(folder, size):
    index = SearchIndex(folder / "index")
    started = time.perf_counter()
    index.rebuild(corpus(size), procs=os.cpu_count() or 1)
    build = time.perf_counter() - started
    worker = fresh_worker(folder / "index")
    changed = [{**p, "interests": p["interests"] + ["industrial liaison"]} for p in corpus(UPDATES, seed=99)]
    started = time.perf_counter()
    for start in range(0, UPDATES, 2000):
        index.update(changed[start:start + 2000])
    updates = UPDATES / (time.perf_counter() - started)
    return {"engine": "Whoosh 2.7 (this directory's backend)", "build (s)": round(build, 1),
            "open (s)": round(worker["opened"], 2), "first search (s)": round(worker["first"], 2),
            "p50 (ms)": worker["new"][0], "p95 (ms)": worker["new"][1], "p50 repeated (ms)": worker["repeated"][0],
            "p95 repeated (ms)": worker["repeated"][1], "updates/s": round(updates),
            "worker MB (peak / private)": "{VmHWM} / {RssAnon}".format(**worker["memory"])}


def fts5(folder, size):
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("create virtual table p using fts5(id unindexed, name, title, interests, department, institution,"
               " country unindexed, tokenize='porter unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    db.executemany("insert into p values (?,?,?,?,?,?,?)",
                   ((p["id"], p["name"], p["title"], " ; ".join(p["interests"]), p["department"], p["institution"],
                     p["country"]) for p in corpus(size)))
    db.commit()
    build = time.perf_counter() - started

    def run(words, country):
        match = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", words))  # quoted: "non-destructive" is no syntax
        db.execute("select id from p where p match ? and country = ? order by bm25(p, 2, 1, 3, 1, 1) limit 20",
                   [match, country]).fetchall()
        db.execute("select country, count(*) from p where p match ? group by country", [match]).fetchall()

    cold, warm = timed(run, QUERIES, rounds=1), timed(run, QUERIES)
    db.close()
    return {"engine": "SQLite FTS5", "build (s)": round(build, 1), "p50 (ms)": cold[0], "p95 (ms)": cold[1],
            "p50 repeated (ms)": warm[0], "p95 repeated (ms)": warm[1]}


def tantivy_engine(folder, size):
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", tokenizer_name="en_stem")
    builder.add_text_field("country", tokenizer_name="raw", fast=True)
    schema = builder.build()
    (folder / "tantivy").mkdir()
    index = tantivy.Index(schema, path=str(folder / "tantivy"))
    started = time.perf_counter()
    writer = index.writer()
    for p in corpus(size):
        body = " ".join([p["name"], p["title"], " ; ".join(p["interests"]), p["department"], p["institution"]])
        writer.add_document(tantivy.Document(id=p["id"], body=body, country=p["country"]))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()

    def run(words, country):
        words = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", words))
        query = index.parse_query(f"({words}) AND country:\"{country}\"", ["body"])
        searcher.search(query, 20)
        searcher.aggregate(index.parse_query(words, ["body"]), {"c": {"terms": {"field": "country", "size": 300}}})

    cold, warm = timed(run, QUERIES, rounds=1), timed(run, QUERIES)
    return {"engine": "tantivy (tantivy-py)", "build (s)": round(build, 1), "p50 (ms)": cold[0], "p95 (ms)": cold[1],
            "p50 repeated (ms)": warm[0], "p95 repeated (ms)": warm[1]}


def cjk_cost(count=20000):
    """Build seconds of ``count`` Chinese, Japanese and Korean profiles: CJK words through jieba's dictionary
    (the index's way) and, for comparison, every character and pair of characters."""
    from unittest import mock

    from bench.corpus import TOPICS
    from directory.search.analysis import cjk_analyzer

    phrases = [p for languages in TOPICS.values() for language in ("zh", "ja", "ko") for p in languages[language]]
    people = [{"id": f"c{n}", "name": "王芳", "title": "教授", "country": "CN", "institution": "江南理工大学",
               "interests": [phrases[(n * 7 + k) % len(phrases)] for k in range(4)]} for n in range(count)]
    seconds = {}
    for name, analyzer in (("jieba", cjk_analyzer()), ("characters and pairs", cjk_analyzer(dictionary=False))):
        folder = Path(tempfile.mkdtemp(prefix="bench-cjk-"))
        try:
            with mock.patch("directory.search.fields.CJK", analyzer):
                started = time.perf_counter()
                SearchIndex(folder / "index").rebuild(iter(people))
                seconds[name] = round(time.perf_counter() - started, 1)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return {"profiles": count, "engine": "Whoosh, CJK profiles only: build (s) with jieba / characters and pairs",
            "build (s)": f"{seconds['jieba']} / {seconds['characters and pairs']}"}


def run():
    rows = [cjk_cost()]
    print(rows[-1], flush=True)
    for size in SIZES:
        for engine in (whoosh, fts5, tantivy_engine):
            folder = Path(tempfile.mkdtemp(prefix="bench-index-"))
            try:
                rows.append({"profiles": size, **engine(folder, size)})
            except ImportError as error:
                rows.append({"profiles": size, "engine": f"{engine.__name__}: not run ({error})"})
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            print(rows[-1], flush=True)
    columns = list(dict.fromkeys(column for row in rows for column in row))
    rows = [{column: row.get(column, "") for column in columns} for row in rows]
    notes = ("Profiles from `directory.demo.profiles`: 3 to 8 of the vocabulary's English labels each, "
             f"{SPECIFIC:.0%} of them made specific by another label (over a million distinct interests at 1M). "
             f"{len(QUERIES)} queries (topic words + a country, with their thesaurus expansions as the site "
             "searches): top 20 in that country and counts per country for the words. p50/p95: each query once on a "
             "freshly opened index; repeated: "
             f"{ROUNDS} more rounds (recently used postings stay decoded in memory); open, first search and every "
             "query timed in a fresh process, as a web worker searches. first search: the first query "
             "after opening, which reads each document's country, institution and topics once per index version. "
             f"updates/s: {UPDATES} changed profiles through the incremental path, 2,000 per commit. worker MB: a "
             "fresh "
             "process that opens the index and answers the queries: peak resident size (counting the index file "
             "pages it touched, mapped and shared between workers) / private memory at the end. Targets (issue #5): "
             "p95 <= "
             "100 ms and p50 <= 20 ms at 1M; full rebuild of 1M under 10 minutes; at least 3,000 updates/s; open "
             "under 1 s; worker at most 300 MB. tantivy is a reference only (installed by `make bench`).")
    return "Index build and search", rows, notes
