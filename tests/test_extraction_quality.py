"""Extraction measured against expected records on fixture department sites in many layouts and languages.

Each folder in tests/sites is a small department site with an expected.json: what a careful reader finds
there (its "about" says which CMS style and difficulties it copies). Most were written as holdouts: by
engineers who did not read the extractor, before it was changed for them. They are harvested over HTTP
like any source, and scored the way issue 13 measures real sites: a person is found by any form of their
name, an expected interest phrase counts when an extracted one equals or contains it (or is most of it)."""
import json
import unicodedata
from pathlib import Path

import pytest

from directory.demo.server import serve_demo_sites
from directory.store import Store
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources

SITES = Path(__file__).parent / "sites"
# Floors this suite holds the extractor to (issue 13 asks 0.97 / 0.97 / 0.90 / 0.95 / 0.93 of held-back sites;
# docs/BENCHMARKS.md has the figures measured on sites nobody had tuned for).
TARGETS = {"people_recall": 0.95, "people_precision": 0.97, "title": 0.93, "email": 0.97, "interests": 0.95}


def folded(text):
    """As ../shared/realdata/score_sites.py compares: NFKC, no accents, case folded."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or ""))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    with serve_demo_sites(first_address=60, sites=SITES, port=0) as addresses:
        expected = {site: json.loads((SITES / site / "expected.json").read_text(encoding="utf-8"))
                    for site in addresses}
        sources = parse_sources("".join(
            f'[[sources]]\nname = "{site}"\ninstitution = "{site} university"\ncountry = "{spec["country"]}"\n'
            + (f'language = "{spec["language"][:2]}"\n' if spec.get("language") else "")
            + f'start_urls = ["http://{addresses[site]}{spec["start"]}"]\n' for site, spec in expected.items()))
        store = Store(str(tmp_path_factory.mktemp("quality") / "q.sqlite"))
        store.ensure_shape()
        harvest(sources, store, CrawlSettings(delay=0, allow_private_hosts=True))
    found = {}
    for expert in store.iter_experts():
        found.setdefault(expert["sources"][0], []).append(expert)
    return expected, found


def phrase_found(want, got):
    return any(want == g or want in g or (g in want and len(g) >= 0.5 * len(want)) for g in got)


def score(expected, found):
    """Counts over all sites: people matched by any form of their name, and field accuracy on the matched."""
    totals = dict.fromkeys(["expected", "found", "matched", "title", "email", "phrases", "phrases_found"], 0)
    misses = []
    for site, spec in expected.items():
        experts = found.get(site, [])
        by_name = {folded(n): e for e in experts for n in [e["name"], *(e.get("other_names") or [])]}
        totals["expected"] += len(spec["people"])
        totals["found"] += len(experts)
        for person in spec["people"]:
            names = [folded(person["name"])] + [folded(n) for n in person.get("alt_names", [])]
            match = next((by_name[n] for n in names if n in by_name), None)
            if match is None:
                misses.append(f"{site}: missing {person['name']}")
                continue
            totals["matched"] += 1
            totals["title"] += folded(match["title"]) == folded(person["title"])
            totals["email"] += (match["email"] or None) == person["email"]
            got = [folded(p) for p in match["interests"]]
            totals["phrases"] += len(person["interests"])
            totals["phrases_found"] += sum(phrase_found(folded(p), got) for p in person["interests"])
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
    assert len(specs) >= 30 and len({s["language"][:2] for s in specs}) >= 15


@pytest.mark.slow
def test_extraction_meets_its_targets_on_the_fixture_sites(harvested):
    expected, found = harvested
    scores, misses = score(expected, found)
    for measure, target in TARGETS.items():
        assert scores[measure] >= target, (measure, scores, misses)


@pytest.mark.slow
def test_nobody_reached_only_through_pages_robots_txt_forbids_is_stored(harvested):
    expected, found = harvested
    stored_forbidden = {}
    for site, spec in expected.items():  # a guest named in one site's news may work at another
        forbidden = {folded(name) for name in spec.get("forbidden", [])}
        stored = {folded(n) for e in found.get(site, []) for n in [e["name"], *(e.get("other_names") or [])]}
        if forbidden & stored:
            stored_forbidden[site] = forbidden & stored
    assert any(spec.get("forbidden") for spec in expected.values()) and not stored_forbidden


@pytest.mark.slow
def test_people_commented_out_of_a_page_are_not_on_it(harvested):
    _expected, found = harvested
    names = {e["name"] for experts in found.values() for e in experts}
    assert not names & {"Koen Dekker", "Klaus Berger", "Piotr Lewandowski", "Lakshmi Prasad Natarajan"}


@pytest.mark.slow
def test_a_noindex_profile_adds_nothing_beyond_its_public_listing(harvested):
    _expected, found = harvested
    [hidden] = [e for e in found["medewerkers"] if e["name"] == "Verborgen Persoon"]
    assert hidden["email"] is None and hidden["interests"] == []
