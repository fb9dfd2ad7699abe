"""A harvest that nothing on a page can stop: hostile structured data is cleaned and capped, malformed links and
redirects are skipped, one bad page is that page's error, slow hosts are cut off, and every host that cannot be
harvested says why. Real HTTP to fixture sites on 127.0.0.x, the real `directory scrape` where it matters."""
import json
import socket
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from directory.db import get_index, get_store
from directory.server import free_port
from scrapers.clean import clean_person, is_clean_text, page_records
from scrapers.fetch import BlockedAddress, Fetcher, FetchTimeout, check_host, is_public_address
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources

SETTINGS = CrawlSettings(delay=0.0, allow_private_hosts=True, backoff=0.05, connect_timeout=2, read_timeout=2)
LIMITS = CrawlSettings()
URL_KEYS = {"profile_url", "photo_url", "alias_urls", "source_urls"}
PROFILE = """<html><body><main><h1>{name}</h1><p>Lecturer</p><p>{email}</p>
<h2>Research interests</h2><ul><li>{topic}</li></ul></main></body></html>"""


def source_text(site, name, path="/staff/"):
    return (f'[[sources]]\nname = "{name}"\ninstitution = "Fixture University"\ncountry = "GB"\n'
            f'start_urls = ["{site.root}{path}"]\n')


def sources_file(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def json_ld(*people):
    return "".join(f'<script type="application/ld+json">{json.dumps(p)}</script>' for p in people)


def stored_texts(store):
    """(field, text) for every piece of text kept about people: expert rows and the records they come from."""
    rows = list(store.iter_experts()) + [json.loads(data) for (data,) in store.db.execute("select data from records")]
    for row in rows:
        for key, value in row.items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    yield key, text


def assert_clean(store):
    """Nothing stored about a person holds a character cleaning removes, or is over its cap."""
    for key, text in stored_texts(store):
        assert is_clean_text(text), (key, text[:80])
        if key in URL_KEYS:
            assert text.startswith(("http://", "https://")) and len(text) <= LIMITS.max_url_length, (key, text[:80])
        else:
            assert len(text) <= max(LIMITS.max_text_chars, LIMITS.max_name_chars), (key, text[:80])
    for expert in store.iter_experts():
        assert len(expert["interests"]) <= LIMITS.max_interests
        assert all(len(phrase) <= LIMITS.max_interest_chars for phrase in expert["interests"])


def test_cleaning_removes_invalid_code_points_normalises_and_caps():
    person = clean_person({
        "name": "Ann \ud800Le\u0301a\x00", "title": "Lecturer\u202e in glass\x85" + " and more" * 100,
        "email": "ANN@Uni.Example", "phone": "+44 " * 40, "interests": ["glass", "GLASS", "\x07", "x" * 5000]
        + [f"topic {n}" for n in range(3000)], "profile_url": "http://[oops/", "photo_url": "javascript:alert(1)",
        "alias_urls": ["ftp://x/", "http://uni.example/ann"], "other_names": ["李安", "ANN LÉA", ""],
        "department": "\ufeff\u200b", "strategy": "jsonld"}, LIMITS)
    assert person["name"] == "Ann Léa" and len(person["name"]) == 7  # NFC: one code point for é
    assert person["title"].startswith("Lecturer in glass and more") and len(person["title"]) <= LIMITS.max_text_chars
    assert person["email"] == "ann@uni.example"
    assert person["interests"][:2] == ["glass", "x" * (LIMITS.max_interest_chars - 1) + "…"]
    assert len(person["interests"]) == LIMITS.max_interests
    assert person["alias_urls"] == ["http://uni.example/ann"] and person["other_names"] == ["李安"]
    for gone in ("phone", "profile_url", "photo_url", "department"):
        assert gone not in person
    assert clean_person({"name": "A" * 20000}, LIMITS) is None  # not a name: the record is dropped
    assert clean_person({"name": "\ud800\x00 "}, LIMITS) is None


def test_a_pages_records_keep_only_what_the_page_may_speak_for_and_take_the_sources_defaults():
    source = SimpleNamespace(name="dept", institution="Uni", country="GB", department="Physics", language="en")
    people = [{"name": "Ann Lee", "email": "office@uni.ac.uk", "profile_url": "http://other.example/ann",
               "alias_urls": ["http://www.uni.ac.uk/ann", "http://other.example/a", 7], "title": "",
               "photo_url": "javascript:alert(1)", "other_names": ["ANN LEE", "李安"]},
              {"name": "Bo Chan", "email": "office@uni.ac.uk", "profile_url": "http://uni.ac.uk/bo",
               "department": "Optics"},
              {"name": "A. Lee", "email": "a.lee@uni.ac.uk", "profile_url": "http://uni.ac.uk/ann-lee"},
              {"name": "Ann Lee", "profile_url": "http://uni.ac.uk/ann-lee"},
              {"name": " ", "email": "nobody@uni.ac.uk"}, {"email": "nameless@uni.ac.uk"}]
    ann, bo, initial, again = page_records(source, "https://uni.ac.uk/staff/", people)
    assert ann == {"name": "Ann Lee", "alias_urls": ["http://www.uni.ac.uk/ann"], "other_names": ["李安"],
                   "institution": "Uni", "language": "en", "country": "GB", "department": "Physics"}
    assert bo["profile_url"] == "http://uni.ac.uk/bo" and "email" not in bo  # the office's, not Bo's
    assert bo["department"] == "Optics"  # the page's own word wins over the source's
    assert initial["profile_url"] == again["profile_url"]  # one person's, under two forms of the name
    assert people[0]["email"] == "office@uni.ac.uk"  # what the page gave is left as it was
    # A curator's import file may name any site's profile page.
    [imported] = page_records(source, "import:ann", [{"name": "Ann Lee", "profile_url": "http://other.example/a"}])
    assert imported["profile_url"] == "http://other.example/a"


def test_hostile_structured_data_is_cleaned_and_capped_before_the_store(make_site, store):
    site = make_site(150)
    site.robots("")
    site.page("/staff/", "<html><body>" + json_ld(
        {"@type": "Person", "name": "Ann \ud800Lee", "jobTitle": "Lecturer\x00 in \u202eglass",
         "email": "ann@uni.example"},
        {"@type": "Person", "name": "B" * 20000, "jobTitle": "Professor", "email": "b@uni.example"},
        {"@type": "Person", "name": "Cy Ng", "email": "cy@uni.example", "url": "javascript:alert(1)",
         "knowsAbout": [f"topic {n} " + "y" * (n % 400) for n in range(3000)]},
    ) + "<h1>Staff</h1></body></html>")
    _run, summaries = harvest([parse_sources(source_text(site, "hostile"))[0]], store, SETTINGS)
    names = {e["name"]: e for e in store.iter_experts()}
    assert "Ann Lee" in names and names["Ann Lee"]["title"] == "Lecturer in glass"
    assert all(len(name) <= LIMITS.max_name_chars for name in names)
    assert 0 < len(names["Cy Ng"]["interests"]) <= LIMITS.max_interests
    assert not names["Cy Ng"]["profile_url"]
    assert_clean(store)
    assert [r["status"] for r in store.runs()] == ["finished"] and summaries["hostile"].pages == 1


def test_malformed_links_and_redirects_are_skipped_and_the_run_finishes(runner, app, make_site, tmp_path):
    site = make_site(151)
    site.robots("")
    site.page("/staff/", '<main><h1>Staff</h1><ul>'
              '<li><a href="/staff/ada">Dr Ada Lovelace</a>, Lecturer</li>'
              '<li><a href="/staff/a&#1;b">Dr Bea Moss</a>, Lecturer</li>'
              f'<li><a href="{site.root.rsplit(":", 1)[0]}:99999/staff/c">Dr Cy Ng</a>, Lecturer</li>'
              '<li><a href="/staff/moved">Dr Diana Rowe</a>, Lecturer</li></ul></main>')
    site.page("/staff/ada", PROFILE.format(name="Dr Ada Lovelace", email="ada@uni.example", topic="engines"))
    site.routes["/staff/moved"] = (302, {"Location": "http://[oops/"}, b"")
    other = make_site(152)  # a second source, in the same run: its people are indexed whatever the first met
    other.robots("")
    other.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="/staff/eve">Dr Eve Hart</a>, Lecturer</li></ul></main>')
    other.page("/staff/eve", PROFILE.format(name="Dr Eve Hart", email="eve@uni.example", topic="glass"))
    path = sources_file(tmp_path, source_text(site, "links") + source_text(other, "other"))
    result = runner("scrape", "--sources", str(path))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with app.app_context():
        store = get_store()
        pages = {p["url"]: p for p in store.run_pages(1)}
        assert store.runs()[0]["status"] == "finished"
        moved = pages[f"{site.root}/staff/moved"]
        assert moved["status"] == "failed" and "redirects to a malformed address" in moved["error"]
        assert "malformed link(s) skipped" in pages[f"{site.root}/staff/"]["error"]
        assert not any("a\x01b" in url or "99999" in url for url in pages)
        people = {e["name"]: e["id"] for e in store.iter_experts()}
        assert {"Ada Lovelace", "Eve Hart"} <= set(people)
        assert {people["Ada Lovelace"], people["Eve Hart"]} <= get_index().ids()


def test_a_resumed_run_that_meets_the_page_it_crashed_on_finishes_and_indexes_the_rest(runner, app, make_site,
                                                                                        tmp_path):
    site = make_site(153)
    site.robots("")
    # Raised out of extraction (and the store) on main: the run stayed 'running' and every later run resumed
    # it and crashed on the same page, so nobody from any source was ever indexed.
    site.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="http://[oops/">Dr Ann Lee</a>, Lecturer</li></ul>'
              "</main>" + json_ld({"@type": "Person", "name": "Bo \ud800Ray", "email": "bo@uni.example"}))
    other = make_site(154)
    other.robots("")
    other.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="/staff/eve">Dr Eve Hart</a>, Lecturer</li></ul></main>')
    other.page("/staff/eve", PROFILE.format(name="Dr Eve Hart", email="eve@uni.example", topic="glass"))
    path = sources_file(tmp_path, source_text(site, "poison") + source_text(other, "other"))
    with app.app_context():  # the state a crashed run leaves: running, the poison page still queued
        store = get_store()
        sources = parse_sources(path.read_text())
        store.save_sources(sources)
        crashed = store.start_run([s.name for s in sources])
        for source in sources:
            store.queue_pages(crashed, source.name, list(source.start_urls), 0)
    result = runner("scrape", "--sources", str(path))
    assert "Traceback" not in result.output and (result.exit_code, result.exception) == (0, None), result.output
    with app.app_context():
        store = get_store()
        assert store.runs()[0]["id"] == crashed and store.runs()[0]["status"] != "running"
        poison = {p["url"]: p for p in store.run_pages(crashed)}[f"{site.root}/staff/"]
        assert (poison["status"], poison["error"]) == ("done", "1 malformed link(s) skipped")
        eve = next(e for e in store.iter_experts() if e["name"] == "Eve Hart")
        assert eve["id"] in get_index().ids()
        assert_clean(store)
    again = runner("scrape", "--sources", str(path))  # the next run starts afresh and is not stuck either
    assert "Traceback" not in again.output
    with app.app_context():
        assert get_store().runs()[0]["id"] == crashed + 1 and get_store().runs()[0]["status"] != "running"


def test_a_redirect_into_a_path_robots_txt_disallows_is_not_followed(make_site, store):
    site = make_site(162)
    site.robots("User-agent: *\nDisallow: /staff/private/\n")
    site.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="/staff/moved">Dr Ann Lee</a>, Lecturer</li></ul></main>')
    site.routes["/staff/moved"] = (302, {"Location": "/staff/private/ann"}, b"")
    site.page("/staff/private/ann", PROFILE.format(name="Dr Ann Lee", email="ann@uni.example", topic="secrets"))
    run_id, _summaries = harvest([parse_sources(source_text(site, "sneaky"))[0]], store, SETTINGS)
    moved = {p["url"]: p for p in store.run_pages(run_id)}[f"{site.root}/staff/moved"]
    assert moved["status"] == "failed" and "which robots.txt disallows" in moved["error"]
    assert not site.requests_for("/staff/private/ann")
    assert "ann@uni.example" not in {e["email"] for e in store.iter_experts()}


def test_an_exception_in_extraction_is_that_pages_error_with_the_traceback_in_the_log(runner, app, make_site,
                                                                                      tmp_path, monkeypatch):
    import scrapers.crawl

    real = scrapers.crawl.extract

    def extract_with_a_bug(text, url, selectors=None, **context):  # an extractor bug no page can summon on demand
        if url.endswith("/staff/bug"):
            raise KeyError("a bug in extraction")
        return real(text, url, selectors, **context)

    monkeypatch.setattr(scrapers.crawl, "extract", extract_with_a_bug)
    site = make_site(155)
    site.robots("")
    site.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="/staff/bug">Dr Ann Lee</a>, Lecturer</li>'
              '<li><a href="/staff/ada">Dr Ada Lovelace</a>, Lecturer</li></ul></main>')
    site.page("/staff/bug", PROFILE.format(name="Dr Ann Lee", email="ann@uni.example", topic="glass"))
    site.page("/staff/ada", PROFILE.format(name="Dr Ada Lovelace", email="ada@uni.example", topic="engines"))
    result = runner("scrape", "--sources", str(sources_file(tmp_path, source_text(site, "buggy"))))
    assert result.exit_code == 0, result.output
    with app.app_context():
        store = get_store()
        bug = {p["url"]: p for p in store.run_pages(1)}[f"{site.root}/staff/bug"]
        assert bug["status"] == "failed" and "could not be harvested (KeyError" in bug["error"]
        assert "traceback is in the scrape log" in bug["error"]
        assert store.runs()[0]["status"] == "finished"
        assert "ada@uni.example" in {e["email"] for e in store.iter_experts()}
    log = (tmp_path / "logs" / "scrape.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "KeyError: 'a bug in extraction'" in log


def dripping(head_only=False):
    """A handler that sends its answer one byte at a time, a byte every 0.3 s: never silent long enough for a
    read timeout. With ``head_only``, even the status line and headers drip."""
    def drip(handler):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n"
        body = b"<p>" + b"x" * 193 + b"</p>"
        if not head_only:
            handler.wfile.write(head)
            head = b""
        for byte in head + body:
            try:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            except OSError:  # the client hung up: done
                return None
            time.sleep(0.3)
        return None
    return drip


@pytest.mark.parametrize("head_only", [True, False], ids=["headers", "body"])
def test_a_server_that_drips_bytes_is_cut_at_the_deadline_on_the_socket(make_site, head_only):
    site = make_site(156)
    site.routes["/drip"] = dripping(head_only)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="took longer than 1 s"):
        Fetcher(SETTINGS.but(fetch_deadline=1.0, read_timeout=5.0)).get(site.root + "/drip")
    assert time.monotonic() - started < 5  # the drip alone would take a minute or more


def test_a_slow_host_is_held_to_its_time_budget_and_the_other_hosts_finish(make_site, store):
    slow = make_site(157)
    slow.robots("")
    surnames = "Abbott Baker Carter Dalton Evans Fowler Garcia Hughes Jensen Larsen".split()
    slow.page("/staff/", "<main><h1>Staff</h1><ul>" + "".join(
        f'<li><a href="/staff/p{n}">Dr Sam {surname}</a>, Lecturer</li>' for n, surname in enumerate(surnames))
        + "</ul></main>")
    for n in range(len(surnames)):
        slow.routes[f"/staff/p{n}"] = dripping()
    fast = make_site(158)
    fast.robots("")
    fast.page("/staff/", '<main><h1>Staff</h1><ul><li><a href="/staff/eve">Dr Eve Hart</a>, Lecturer</li></ul></main>')
    fast.page("/staff/eve", PROFILE.format(name="Dr Eve Hart", email="eve@uni.example", topic="glass"))
    sources = parse_sources(source_text(slow, "slow") + source_text(fast, "fast"))
    started = time.monotonic()
    run_id, summaries = harvest(sources, store, SETTINGS.but(host_time_budget=3.0, fetch_deadline=1.0, retries=1))
    assert time.monotonic() - started < 15  # 10 pages x (1 s + a retry) without the budget
    pages = store.run_pages(run_id)
    skipped = [p for p in pages if p["source"] == "slow" and p["status"] == "skipped"]
    assert skipped and all("time budget (3 s) is used up" in p["error"] for p in skipped)
    assert summaries["fast"].people == 1 and not summaries["fast"].failed
    assert store.runs()[0]["status"] == "finished"


def test_a_retry_after_longer_than_the_host_budget_is_not_waited_for(make_site, store):
    site = make_site(159)
    site.robots("")
    site.routes["/staff/"] = (503, {"Content-Type": "text/html", "Retry-After": "120"}, b"busy")
    started = time.monotonic()
    run_id, _summaries = harvest([parse_sources(source_text(site, "busy"))[0]], store,
                                 SETTINGS.but(host_time_budget=2.0))
    assert time.monotonic() - started < 10
    [page] = store.run_pages(run_id)
    assert page["status"] == "failed" and page["error"] == "HTTP 503"
    assert len(site.requests_for("/staff/")) == 1


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.160", 0))
    listener.listen(8)
    yield f"http://127.0.0.160:{listener.getsockname()[1]}"
    listener.close()


@pytest.mark.parametrize("case, expected", [
    ("private", "run with --allow-private-hosts"),
    ("refused", "connection refused by 127.0.0.1:"),
    ("dns", "DNS failure: host 'no-such-host.invalid' was not found"),
    ("timeout", "timed out: 127.0.0.160:"),
    ("robots 5xx", "robots.txt answered HTTP 503"),
])
def test_each_reason_a_host_cannot_be_harvested_has_its_own_message(case, expected, runner, app, make_site, tmp_path,
                                                                   silent_server):
    app.config["CRAWL_READ_TIMEOUT"] = 0.5
    app.config["CRAWL_RETRIES"] = 0
    site = make_site(161)
    site.robots("", status=503)
    root = {"private": site.root, "refused": f"http://127.0.0.1:{free_port()}", "dns": "http://no-such-host.invalid",
            "timeout": silent_server, "robots 5xx": site.root}[case]
    if case == "private":
        app.config["CRAWL_ALLOW_PRIVATE_HOSTS"] = False
    path = sources_file(tmp_path, '[[sources]]\nname = "down"\ninstitution = "U"\ncountry = "GB"\n'
                                  f'start_urls = ["{root}/staff/"]\n')
    result = runner("scrape", "--sources", str(path))
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "robots.txt could not be read" not in result.output
    assert expected in runner("runs", "show", "1").output


@pytest.mark.parametrize("address", ["::127.0.0.1", "::10.0.0.1", "::8.8.8.8", "2002:7f00:1::", "2002:a00:1::1",
                                     "2002:c0a8:101::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "::ffff:0:7f00:1"])
def test_ipv6_spellings_that_reach_ipv4_are_not_public(address):
    assert is_public_address(address) is False
    with pytest.raises(BlockedAddress, match="--allow-private-hosts"):
        check_host(address)


def test_6to4_of_a_public_address_stays_public():
    assert is_public_address("2002:808:808::1") is True  # 8.8.8.8 behind it


# -- hostile sites, generated: the real `directory scrape` against whatever a stranger's server may send ----------

NASTY_URLS = ["http://[oops/", "http://[::1", "http://a:99999/", "http://:80/", "javascript:alert(1)",
              "data:text/html,x",
              "mailto:x@y.example", "//[oops/x", "/staff/%zz%00", "/staff/\x01x", "/staff/" + "a" * 3000, "\\\\evil",
              "http://127.0.0.163:1/staff/x", "/staff/p0#frag", "/staff/p1?jsessionid=1&sort=x", "/private/secret",
              "/staff/r0", "/staff/r1", " /staff/p2 ", "http://ex%41mple.com/", "http://xn--/", "http://a..b/"]
CONTENT_TYPES = ["text/html", "text/html; charset=utf-8", "text/html; charset=rot13", "text/html; charset=undefined",
                 "text/html; charset=utf-16", 'text/html; charset="', "TEXT/HTML;;charset=", "application/json", "",
                 "text/html; charset=x-user-defined", "text/html; charset=idna", "text/html; charset=base64",
                 "text/html\r\nX-Injected: 1", "application/xhtml+xml; charset=shift_jis"]
RETRY_AFTER = ["", "0", "1", "\u00b2", "-1", "9" * 60, "Wed, 21 Oct 2015 07:28:00 GMT", "Mon, 99 Foo 9999 99:99:99 GMT",
               "Fri, 31 Dec 9999 23:59:59 GMT", "nan", "1e9"]
ROBOTS_TAGS = ["", "noindex", "nofollow", "none", "NOINDEX, nofollow", "googlebot: noindex", "\u00ff" * 50, ",,,"]
ODD_TEXT = st.lists(st.characters() | st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x07", "\u202e", "\ufeff", "\ufffe", "\U0010ffff", "e\u0301", "<", "&", "\r\n"]),
    max_size=40).map("".join)
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ODD_TEXT,
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
                          max_leaves=12)
REAL_NAMES = st.sampled_from(["Ann Lee", "Bo \u202eRay", "Cy\x00 Ng", "E\u0301lodie Martin", "Kim \ud800Park",
                              "Jo" + "\u0301" * 50 + " Smith", "Lee \ufeffWong", "Ana\u200b Silva", "Mei\x85 Chen"])
NAMES = REAL_NAMES | ODD_TEXT
PERSON_KEYS = ["name", "jobTitle", "email", "telephone", "url", "image", "knowsAbout", "worksFor", "affiliation",
               "alternateName", "@type", "@graph", "sameAs"]


@st.composite
def json_ld_blocks(draw):
    person = {"@type": draw(st.sampled_from(["Person", ["Person"], "person", None, 7]))}
    for key in draw(st.lists(st.sampled_from(PERSON_KEYS), max_size=6)):
        person[key] = draw(JSON_VALUE)
    person["name"] = draw(st.one_of(NAMES, st.just("Ann " + "A" * 20000)))
    if draw(st.booleans()):
        person["knowsAbout"] = [f"topic {n}" for n in range(draw(st.sampled_from([3, 300, 3000])))]
    text = json.dumps(draw(st.sampled_from([person, [person], {"@graph": [person]}])))  # "\ud800" stays escaped
    return f'<script type="application/ld+json">{text}</script>'


def markup(draw):
    """One hostile piece of a page: a person row with an odd link, JSON-LD, deep nesting, huge attributes,
    invalid code points as entities and raw characters."""
    return draw(st.one_of(
        st.builds(lambda href, name, title: f'<li><a href="{href}">Dr {name}</a>, {title}</li>',
                  st.sampled_from(NASTY_URLS) | st.sampled_from([f"/staff/p{n}" for n in range(4)]), NAMES,
                  ODD_TEXT | st.just("Lecturer")),
        json_ld_blocks(),
        st.integers(1, 3000).map(lambda depth: "<div>" * depth + "deep" + "</div>" * (depth // 2)),
        st.integers(1, 200_000).map(lambda size: f'<div data-x="{"a" * size}" title="{"&#xD800;" * 50}">x</div>'),
        st.sampled_from(["&#xD800;", "&#0;", "&#x10FFFF;", "&#x202E;", "&#99999999;", "\x00", "\x0c", "<![CDATA[",
                         "<meta charset='rot13'>", "<meta charset='utf-16'>", '<link rel="canonical" href="http://[x">',
                         '<meta name="robots" content="noindex">', "<base href='http://[oops/'>"]),
        ODD_TEXT,
    ))


def answer(draw, html, path):
    """(status, headers, body) for ``html``: odd statuses, types, charsets, robots tags, retries and redirects."""
    odd = [301, 302, 307, 404, 410, 429, 500, 503, 204]
    status = draw(st.sampled_from([200] * (8 * len(odd) if path == "/staff/" else 12) + odd))  # mostly a start
    headers = {"Content-Type": draw(st.sampled_from(["text/html; charset=utf-8"] * 6 + CONTENT_TYPES))}
    if draw(st.booleans()):
        headers["X-Robots-Tag"] = draw(st.sampled_from(ROBOTS_TAGS))
    if status in (429, 503):
        headers["Retry-After"] = draw(st.sampled_from(RETRY_AFTER))
    if status in (301, 302, 307):
        headers["Location"] = draw(st.sampled_from(NASTY_URLS + ["/private/secret", path, ""]))
    encoding = draw(st.sampled_from(["utf-8", "surrogatepass", "shift_jis", "utf-16"]))
    if encoding == "surrogatepass":  # lone surrogates written out as (invalid) UTF-8 bytes
        body = html.encode("utf-8", "surrogatepass")
    else:
        body = html.encode(encoding, "replace") if encoding != "utf-8" else html.encode("utf-8", "replace")
    return status, {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in headers.items()}, body


FORBIDDEN = PROFILE.format(name="Dr Fran Forbidden", email="forbidden@uni.example", topic="secrets")


@st.composite
def hostile_sites(draw):
    """Routes of a whole hostile department site; /private/ is disallowed by its robots.txt."""
    junk = draw(st.lists(ODD_TEXT.filter(lambda line: ":" not in line and "\n" not in line and "\r" not in line),
                         max_size=4))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    robots = newline.join(["User-agent: *", "Disallow: /private/", *junk]) + newline
    routes = {"/robots.txt": (draw(st.sampled_from([200] * 18 + [500, 503])), {"Content-Type": "text/plain"},
                              (draw(st.sampled_from(["", "\ufeff"])) + robots).encode("utf-8", "surrogatepass"))}
    for path in ["/staff/", *(f"/staff/p{n}" for n in range(4)), "/staff/r0", "/staff/r1"]:
        people = "".join(f'<li><a href="/staff/p{n}">Dr {draw(REAL_NAMES)}</a>, Lecturer in {draw(ODD_TEXT)}</li>'
                         for n in range(3))  # rows that look like people, so that something reaches the store
        html = f"<html><body>{draw(json_ld_blocks())}<main><h1>Staff</h1><ul>{people}" + "".join(
            markup(draw) for _ in range(draw(st.integers(0, 6)))) + "</ul>"
        html += '<a href="/private/secret">Dr Fran Forbidden</a></main></body></html>'
        routes[path] = answer(draw, html, path)
    routes["/private/secret"] = (200, {"Content-Type": "text/html"}, FORBIDDEN.encode())
    return routes


@pytest.fixture(scope="module")
def hostile_server():
    from conftest import Site

    site = Site("127.0.0.164")
    site.server.handle_error = lambda *_args: None  # a client that hangs up on a hostile answer is expected
    yield site
    site.close()


def scrape_hostile_site(server, routes):
    """Serve ``routes`` and run the real `directory scrape` over them in a fresh instance; check the promises."""
    import tempfile

    from click.testing import CliRunner

    from directory import create_app
    from directory.cli import cli

    server.routes, server.log = dict(routes), []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "JOB_NICENESS": 0, "CRAWL_DELAY": 0.0, "CRAWL_ALLOW_PRIVATE_HOSTS": True,
                          "CRAWL_RETRIES": 1, "CRAWL_BACKOFF": 0.01, "CRAWL_MAX_RETRY_AFTER": 0.2,
                          "CRAWL_FETCH_DEADLINE": 5.0, "CRAWL_READ_TIMEOUT": 2.0, "CRAWL_HOST_TIME_BUDGET": 30.0},
                         instance_path=folder)
        path = sources_file(Path(folder), source_text(server, "hostile"))
        result = CliRunner().invoke(cli, ["scrape", "--sources", str(path)], obj=app)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1) and "Traceback" not in result.output
        if result.exit_code == 1:
            assert "Error: 1 source(s) failed entirely: hostile" in result.output, result.output
        with app.app_context():
            store = get_store()
            [run] = store.runs()
            assert run["status"] == ("failed" if result.exit_code else "finished")
            assert_clean(store)
            assert "forbidden@uni.example" not in {e["email"] for e in store.iter_experts()}
            assert not [entry for entry in server.log if entry[1].startswith("/private/")]
            assert get_index().ids() == {e["id"] for e in store.iter_experts()}  # the index took in what was found
            event(f"exit {result.exit_code}, {'some' if store.expert_count() else 'no'} people stored")


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_sites())
def test_a_hostile_site_never_crashes_a_scrape_stores_nothing_unclean_and_nothing_robots_txt_forbids(
        hostile_server, routes):
    scrape_hostile_site(hostile_server, routes)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_sites())
def test_many_more_hostile_sites(hostile_server, routes):
    scrape_hostile_site(hostile_server, routes)
