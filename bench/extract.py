"""Extraction speed: pages per second on one core, over every fixture and demo department page (decode + extract)."""
import time
from pathlib import Path

from scrapers.extract import extract
from scrapers.fetch import decode_html

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p for p in (ROOT / "tests" / "sites").rglob("*") if p.is_file() and p.name != "expected.json") + sorted(
    p for p in (ROOT / "directory" / "demo" / "sites").rglob("*") if p.is_file() and p.suffix in ("", ".html"))
ROUNDS = 20


def run():
    bodies = [p.read_bytes() for p in PAGES]
    extract(decode_html(bodies[0]), "http://bench.example/")  # first call compiles patterns
    people = 0
    started = time.process_time()
    for _ in range(ROUNDS):
        for body in bodies:
            people += len(extract(decode_html(body), "http://bench.example/staff/").people)
    cpu = time.process_time() - started
    pages = len(bodies) * ROUNDS
    size = sum(map(len, bodies)) // len(bodies)
    rows = [{"pages": pages, "distinct pages": len(bodies), "mean size (KB)": round(size / 1024, 1),
             "CPU seconds": round(cpu, 1), "pages/s per core": round(pages / cpu), "people found": people}]
    notes = ("Every page under tests/sites and the demo sites (listings and profiles in 14 layouts and 10 "
             f"languages), {ROUNDS} rounds, CPU time of one process: decoding, parsing (lxml through Beautiful Soup) "
             "and extraction. A crawl is bound by politeness (one request per host per second), not by this.")
    return "Extraction speed", rows, notes
