"""Extraction speed, pages per second on one core: on the real department pages in ../shared/realdata
(skipped when that folder is absent: their licences allow local use only), on the fixture and demo sites,
and on generated staff tables of 1,000 and 8,000 rows. Each set is read page by page (extract) and as
whole sites (extract_site, which reads every page twice)."""
import json
import statistics
import time
from pathlib import Path

from scrapers.extract import extract, extract_site
from scrapers.fetch import decode_html
from scrapers.fields import names, titles

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "realdata" / "sites"
RUNS = 5


def real_sites():
    """{site: [(url, bytes)]} of the saved real sites, at their original URLs."""
    sites = {}
    for folder in sorted(REAL.glob("*/site.json")) if REAL.exists() else []:
        meta = json.loads(folder.read_text(encoding="utf-8"))
        sites[folder.parent.name] = [(f["url"], (folder.parent / "html" / f["file"]).read_bytes())
                                     for f in meta["files"] if (folder.parent / "html" / f["file"]).is_file()]
    return sites


def fixture_sites():
    sites = {}
    for folder in sorted(p for base in (ROOT / "tests" / "sites", ROOT / "directory" / "demo" / "sites")
                         for p in base.iterdir() if p.is_dir()):
        pages = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in ("", ".html", ".htm"))
        sites[folder.name] = [(f"http://bench.example/{p.relative_to(folder)}", p.read_bytes()) for p in pages]
    return sites


GIVEN = ["Anna", "Ben", "Chiara", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kasia", "Liam", "Mei"]
FAMILY = ["Weber", "Okafor", "Rossi", "Lindqvist", "Haddad", "Moreau", "Novak", "Silva", "Tanaka", "Kowalski", "Byrne"]


def staff_table(rows):
    """A staff table as big university directories print them: name, position, email, interests."""
    cells = "".join(
        f'<tr><td><a href="/people/p{n}">{GIVEN[n % 13]} {FAMILY[n // 13 % 11]}-{FAMILY[n // 143 % 11]}</a></td>'
        f'<td>Senior Lecturer</td><td>p{n}@uni.example</td><td>topic {n % 50}; theme {n % 31}</td></tr>'
        for n in range(rows))
    return ('<html><body><nav><a href="/">Home</a></nav><main><h1>Staff</h1><table><tr><th>Name</th><th>Position</th>'
            f'<th>Email</th><th>Research interests</th></tr>{cells}</table></main></body></html>').encode()


def forget_names():
    """Empty the name and title readers' caches, so that every run starts cold, as a new crawl does."""
    for module in (names, titles):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def pages_per_second(sites, whole_site):
    """Median over runs of pages per CPU second (decoding included), for a list of sites' pages."""
    rates, count = [], sum(len(pages) for pages in sites)
    for _ in range(RUNS):
        forget_names()
        started = time.process_time()
        for pages in sites:
            if whole_site:
                texts = [(url, decode_html(body)) for url, body in pages]
                extract_site(lambda: texts)
            else:
                for url, body in pages:
                    extract(decode_html(body), url)
        rates.append(count / max(time.process_time() - started, 1e-9))
    return statistics.median(rates)


def run():
    extract(decode_html(b"<html><body><h1>Warm up</h1></body></html>"), "http://bench.example/")
    rows = []
    for label, sites in (("real department sites", real_sites()), ("fixture and demo sites", fixture_sites())):
        pages = [page for site in sites.values() for page in site]
        if not pages:
            rows.append({"pages": label, "count": 0, "mean size (KB)": "-", "page by page (pages/s)": "absent",
                         "as sites (pages/s)": "absent", "people": "-"})
            continue
        people = sum(len(extract(decode_html(body), url).people) for url, body in pages)
        rows.append({"pages": label, "count": len(pages),
                     "mean size (KB)": round(sum(len(b) for _u, b in pages) / len(pages) / 1024, 1),
                     "page by page (pages/s)": round(pages_per_second(list(sites.values()), False)),
                     "as sites (pages/s)": round(pages_per_second(list(sites.values()), True)), "people": people})
    for count in (1000, 8000):
        body = staff_table(count)
        started = time.process_time()
        found = len(extract(decode_html(body), "http://bench.example/staff/").people)
        rows.append({"pages": f"one staff table of {count:,} rows", "count": 1,
                     "mean size (KB)": round(len(body) / 1024),
                     "page by page (pages/s)": f"{time.process_time() - started:.2f} s",
                     "as sites (pages/s)": "-", "people": found})
    notes = (f"CPU time of one process, median of {RUNS} runs: decoding, parsing (lxml, once a page) and extraction. "
             "'As sites' reads each site's pages together (extract_site: the site's repeated text is learnt in a "
             "first pass, then every page is read again), as a harvest does once a source's pages are fetched. "
             "The real pages are the four saved department sites in ../shared/realdata (not in this repository). "
             "A crawl of 64 hosts at one request a second per host needs about 32 pages a second per core on two "
             "cores.")
    return "Extraction speed", rows, notes
