"""Search quality: recall@10 of plain-language queries over the demo sites, harvested for real, with and
without the thesaurus. The queries and the experts they should find are in tests/recall_queries.json."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = json.loads((ROOT / "tests" / "recall_queries.json").read_text(encoding="utf-8"))


def recall(client, query, expected, expand):
    body = client.get("/api/v1/search", query_string={"q": query, "per_page": 10, "expand": expand}).get_json()
    return len({r["name"] for r in body["results"]} & set(expected)) / len(expected)


def run():
    instance = Path(tempfile.mkdtemp(prefix="bench-recall-"))
    (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n")
    try:
        subprocess.run([str(Path(sys.executable).parent / "directory"), "demo", "--no-serve"], check=True,
                       env={**os.environ, "DIRECTORY_INSTANCE": str(instance)}, capture_output=True)
        os.environ["DIRECTORY_INSTANCE"] = str(instance)
        from directory import create_app

        client = create_app().test_client()
        rows = [{"query": query, "experts expected": len(expected),
                 "recall@10": round(recall(client, query, expected, "1"), 2),
                 "without the thesaurus": round(recall(client, query, expected, "0"), 2)}
                for query, expected in QUERIES.items()]
    finally:
        os.environ.pop("DIRECTORY_INSTANCE", None)
        shutil.rmtree(instance, ignore_errors=True)
    mean = {key: round(sum(r[key] for r in rows) / len(rows), 2) for key in ("recall@10", "without the thesaurus")}
    rows.append({"query": "mean", "experts expected": sum(r["experts expected"] for r in rows), **mean})
    notes = ("The demo's five invented departments (English, German, Chinese, Spanish, Japanese) harvested over "
             "HTTP; each query through the JSON API, top 10. `tests/test_thesaurus.py` keeps the mean at or above "
             "0.9.")
    return "Search quality (recall@10)", rows, notes
