"""Hostile input to the harvester: 10,000 random and broken pages through decoding and extraction, and random
sources files through validation. Nothing may raise anything but the documented error."""
import json
import multiprocessing
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.extract import extract
from scrapers.fetch import decode_html
from scrapers.sources import FIELDS, SourcesError, parse_sources

HERE = Path(__file__).parent
REAL_PAGES = sorted(p for p in (HERE / "sites").rglob("*") if p.is_file() and p.name != "expected.json") + sorted(
    p for p in (HERE.parent / "directory" / "demo" / "sites").rglob("*") if p.is_file())
PIECES = ["<div>", "</div>", "<li>", "</li>", "<ul>", "<table><tr><td>", "</td><td>", "<h1>", "</h2>", "<h3>",
          "<a href='/staff/x'>", "<a href='javascript:alert(1)'>", "</a>", "<br>", "<p>", "<main>", "<!--", "-->",
          "<script>", "</script>", "<style>", '<script type="application/ld+json">', '{"@type": "Person", "name": ',
          "<meta charset='shift_jis'>", "<![CDATA[", "&amp;", "&#x0;", "&#99999999;", "\x00", "\ufeff", "Dr ",
          "Prof. ", "Jane ", "Smith", "Research interests:", "研究方向：", "연구분야", "E-mail: a [at] b [dot] ac.uk",
          "<dl><dt>Department</dt><dd>", "<img src=x onerror=alert(1)>", "<" * 40, "<div>" * 300]
SEED = 2010


def broken_pages(count, seed=SEED):
    """Real department pages cut, spliced, repeated and salted with junk, plus pages of pure junk (as bytes)."""
    rng = random.Random(seed)
    real = [p.read_bytes() for p in REAL_PAGES]
    for n in range(count):
        kind = n % 4
        if kind == 0:  # a real page cut at a random point, maybe in the middle of a character
            page = rng.choice(real)
            yield page[:rng.randrange(len(page) + 1)]
        elif kind == 1:  # two real pages spliced together
            a, b = rng.choice(real), rng.choice(real)
            yield a[:rng.randrange(len(a) + 1)] + b[rng.randrange(len(b) + 1):]
        elif kind == 2:  # a real page with random bytes and markup pieces thrown in
            page = bytearray(rng.choice(real)[:6000])
            for _ in range(rng.randint(1, 30)):
                at = rng.randrange(len(page) + 1)
                junk = rng.choice(PIECES).encode("utf-8") if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 8))
                page[at:at] = junk
            yield bytes(page)
        else:  # junk made only of pieces, random bytes and text
            yield b"".join(rng.choice(PIECES).encode("utf-8") if rng.random() < 0.8 else rng.randbytes(3)
                           for _ in range(rng.randint(0, 80)))


def extract_broken(body):
    """Decode and extract one page; return what an exception-free run found (for the parent to check)."""
    result = extract(decode_html(body, header_charset=None), "http://dept.example.ac.uk/staff/")
    return [(person.name, person.profile_url) for person in result.people]


@pytest.mark.slow
def test_ten_thousand_broken_pages_decode_and_extract_without_an_exception():
    with multiprocessing.get_context("fork").Pool() as pool:  # one process per core: about 30 s on two
        found = pool.map(extract_broken, broken_pages(10_000), chunksize=100)
    assert len(found) == 10_000
    people = [person for page in found for person in page]
    assert people  # the real pages among them still give people
    for name, profile_url in people:
        assert isinstance(name, str) and name.strip()
        assert profile_url is None or profile_url.startswith(("http://", "https://"))


KEYS = list(FIELDS) + ["nmae", "url", "selectors", "delay"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | st.text(max_size=30)
    | st.sampled_from(["GB", "xx", "http://a.example/", "ftp://x", "file:///etc/passwd", "javascript:x", "de",
                       "h1 >> p", "::bad", "staff-a", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["person", "name", "x", "title"]),
                                                                inner, max_size=3),
    max_leaves=8)


def toml_value(value):
    """TOML text for a random value (None becomes a bare word, which TOML rejects: that is wanted too)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value).replace("inf", "inf").replace("nan", "nan")
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8), max_size=4),
       st.sampled_from(["[[sources]]", "[sources]", "[[source]]", "[[sources.x]]"]), st.text(max_size=20))
def test_random_sources_files_are_read_or_refused_with_a_sources_error(entries, header, tail):
    text = "".join(f"{header}\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in entry.items())
                   for entry in entries) + tail
    try:
        sources = parse_sources(text)
    except SourcesError as error:
        assert str(error).startswith("sources file")
    else:
        assert sources and all(s.name and s.start_urls for s in sources)
