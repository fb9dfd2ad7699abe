"""Extraction measured against expected records on fixture sites in other layouts and languages.

Each folder in tests/sites is a small department site (research portal, definition-list
directory, h-card listing with offsets, EUC-KR table, RDFa profiles, plain list with a
noindex page) with an expected.json. They are harvested over HTTP like any source."""
import json
from pathlib import Path

import pytest

from directory.demo.server import serve_demo_sites
from directory.store import Store
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources

SITES = Path(__file__).parent / "sites"
TARGETS = {"people_recall": 0.97, "people_precision": 0.97, "title": 0.95, "email": 0.95, "interests": 0.93}


def folded(text):
    return " ".join((text or "").casefold().split())


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    with serve_demo_sites(first_address=60, sites=SITES, port=0) as addresses:
        expected = {site: json.loads((SITES / site / "expected.json").read_text(encoding="utf-8")) for site in addresses}
        sources = parse_sources("".join(
            f'[[sources]]\nname = "{site}"\ninstitution = "{site} university"\ncountry = "{spec["country"]}"\n'
            f'start_urls = ["http://{addresses[site]}{spec["start"]}"]\n' for site, spec in expected.items()))
        store = Store(str(tmp_path_factory.mktemp("quality") / "q.sqlite"))
        store.ensure_shape()
        harvest(sources, store, CrawlSettings(delay=0, allow_private_hosts=True))
    found = {}
    for expert in store.iter_experts():
        found.setdefault(expert["sources"][0], []).append(expert)
    return expected, found


def score(expected, found):
    """Counts per site: people matched by name, and field accuracy on the matched ones."""
    totals = dict.fromkeys(["expected", "found", "matched", "title", "email", "phrases", "phrases_found"], 0)
    misses = []
    for site, spec in expected.items():
        people = {folded(e["name"]): e for e in found.get(site, [])}
        totals["expected"] += len(spec["people"])
        totals["found"] += len(people)
        for person in spec["people"]:
            names = [folded(person["name"])] + [folded(n) for n in person.get("alt_names", [])]
            match = next((people[n] for n in names if n in people), None)
            if match is None:
                misses.append(f"{site}: missing {person['name']}")
                continue
            totals["matched"] += 1
            totals["title"] += folded(match["title"]) == folded(person["title"])
            totals["email"] += (match["email"] or None) == person["email"]
            got = {folded(p) for p in match["interests"]}
            totals["phrases"] += len(person["interests"])
            totals["phrases_found"] += sum(folded(p) in got for p in person["interests"])
            if folded(match["title"]) != folded(person["title"]) or (match["email"] or None) != person["email"]:
                misses.append(f"{site}: {person['name']}: title {match['title']!r}, email {match['email']!r}")
    return {
        "people_recall": totals["matched"] / totals["expected"],
        "people_precision": totals["matched"] / max(totals["found"], 1),
        "title": totals["title"] / max(totals["matched"], 1),
        "email": totals["email"] / max(totals["matched"], 1),
        "interests": totals["phrases_found"] / max(totals["phrases"], 1),
    }, misses


def test_fixture_sites_cover_many_layouts_and_languages():
    specs = [json.loads(p.read_text(encoding="utf-8")) for p in SITES.glob("*/expected.json")]
    assert len(specs) >= 6 and len({s["language"] for s in specs}) >= 5


def test_extraction_meets_its_targets_on_the_fixture_sites(harvested):
    expected, found = harvested
    scores, misses = score(expected, found)
    for measure, target in TARGETS.items():
        assert scores[measure] >= target, (measure, scores, misses)


def test_a_noindex_profile_adds_nothing_beyond_its_public_listing(harvested):
    _expected, found = harvested
    [hidden] = [e for e in found["medewerkers"] if e["name"] == "Verborgen Persoon"]
    assert hidden["email"] is None and hidden["interests"] == []
