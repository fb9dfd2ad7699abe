"""Harvesting over real HTTP to fixture sites on 127.0.0.x: politeness, safety, resumption."""
import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from directory.imports import import_experts
from directory.store import Store
from scrapers.fetch import BlockedAddress, Fetcher, FetchError, check_host, decode_html, is_public_address
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources

SETTINGS = CrawlSettings(delay=0.0, allow_private_hosts=True, backoff=0.05, connect_timeout=2, read_timeout=2)
LISTING = """<html><body><main><h1>Staff</h1><ul>
<li><a href="/staff/ada">Dr Ada Lovelace</a>, Senior Lecturer</li>
<li><a href="/staff/alan">Prof Alan Turing</a>, Professor of Computing</li></ul></main></body></html>"""
PROFILE = """<html><body><main><h1>{name}</h1><p>{title}</p><p>{email}</p>
<h2>Research interests</h2><ul><li>{topic}</li></ul></main></body></html>"""


def source_for(site, name="fixture", **extra):
    lines = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in extra.items())
    return parse_sources(f"""[[sources]]
name = "{name}"
institution = "Fixture University"
country = "GB"
start_urls = ["{site.root}/staff/"]
{lines}""")[0]


def serve_staff(site):
    site.robots("User-agent: *\nDisallow: /staff/secret\n")
    site.page("/staff/", LISTING)
    site.page("/staff/ada", PROFILE.format(name="Dr Ada Lovelace", title="Senior Lecturer", email="ada@uni.example",
                                           topic="analytical engines"))
    site.page("/staff/alan", PROFILE.format(name="Prof Alan Turing", title="Professor of Computing",
                                            email="alan@uni.example", topic="computability"))


def names(store):
    return sorted(e["name"] for e in store.iter_experts())


@pytest.mark.parametrize("address, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("::ffff:127.0.0.1", False), ("64:ff9b::7f00:1", False), ("fe80::1", False),
    ("8.8.8.8", True), ("2606:4700::1111", True),
])
def test_only_global_addresses_are_public(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0x7f.1", "localhost", "[::1]".strip("[]")])
def test_loopback_in_any_spelling_is_refused_without_the_flag(host):
    with pytest.raises(BlockedAddress, match="non-public address"):
        check_host(host, allow_private=False)
    assert check_host(host, allow_private=True)


def test_the_checked_address_is_the_one_connected_to_so_dns_rebinding_fails(make_site, monkeypatch):
    import socket

    site = make_site(106)
    site.page("/p", "<p>the real page</p>")
    answers = iter(["127.0.0.106", "127.0.0.107", "127.0.0.107"])  # DNS changes its answer after the check
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "dept.rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = site.root.rsplit(":", 1)[1]
    page = Fetcher(SETTINGS).get(f"http://dept.rebind.test:{port}/p")
    assert "the real page" in page.text
    assert site.log[-1][2]["Host"] == f"dept.rebind.test:{port}"


def test_a_refused_host_fails_the_fetch_with_a_clear_message(make_site):
    site = make_site(101)
    site.page("/", "<p>hi</p>")
    with pytest.raises(BlockedAddress, match="--allow-private-hosts"):
        Fetcher(CrawlSettings()).get(site.root + "/")


@pytest.mark.parametrize("text, encoding, declared", [
    ("食品保鲜与冷链物流", "gbk", "gb2312"), ("射出成形の研究", "shift_jis", "shift_jis"),
    ("연구분야 고분자", "euc_kr", "euc-kr"), ("Thèmes de recherche: matériaux", "cp1252", "iso-8859-1"),
])
def test_pages_in_legacy_encodings_decode_from_meta_or_detection(text, encoding, declared):
    body = f'<html><head><meta charset="{declared}"></head><body><p>{text}</p></body></html>'.encode(encoding)
    assert text in decode_html(body)
    assert text in decode_html(body.replace(f'<meta charset="{declared}">'.encode(), b""), declared)


def test_a_harvest_follows_listing_to_profiles_and_obeys_robots(make_site, store):
    site = make_site(102)
    serve_staff(site)
    site.page("/staff/secret", PROFILE.format(name="Dr Hidden Smith", title="Lecturer", email="h@x.example", topic="x"))
    site.routes["/staff/"] = (200, {"Content-Type": "text/html"}, LISTING.replace(
        "</ul>", '<li><a href="/staff/secret">Dr Hidden Smith</a>, Lecturer</li></ul>').encode())
    run_id, summaries = harvest([source_for(site)], store, SETTINGS)
    assert names(store) == ["Ada Lovelace", "Alan Turing", "Hidden Smith"]  # listed publicly on an allowed page
    hidden = next(e for e in store.iter_experts() if e["name"] == "Hidden Smith")
    assert hidden["email"] is None and not hidden["interests"]  # its disallowed profile was never fetched
    assert not site.requests_for("/staff/secret")
    ada = next(e for e in store.iter_experts() if e["name"] == "Ada Lovelace")
    assert ada["interests"] == ["analytical engines"] and ada["email"] == "ada@uni.example"
    assert ada["source_urls"] == [f"{site.root}/staff/", f"{site.root}/staff/ada"]
    assert summaries["fixture"].people == 3 and not summaries["fixture"].failed


def test_a_robots_txt_server_error_means_nothing_is_fetched(make_site, store):
    site = make_site(103)
    serve_staff(site)
    site.robots("oops", status=503)
    _run, summaries = harvest([source_for(site)], store, SETTINGS)
    assert summaries["fixture"].failed
    assert not site.requests_for("/staff/") and names(store) == []


def test_a_missing_robots_txt_allows_everything(make_site, store):
    site = make_site(104)
    serve_staff(site)
    del site.routes["/robots.txt"]
    harvest([source_for(site)], store, SETTINGS)
    assert names(store) == ["Ada Lovelace", "Alan Turing"]


def test_noindex_pages_give_no_people_and_nofollow_pages_no_links(make_site, store):
    site = make_site(105)
    serve_staff(site)
    site.page("/staff/ada",
              PROFILE.format(name="Dr Ada Lovelace", title="Lecturer", email="ada@uni.example", topic="x"),
              headers={"X-Robots-Tag": "noindex"})
    site.routes["/staff/"] = (200, {"Content-Type": "text/html"},
                              LISTING.replace("<html>",
                                              '<html><head><meta name="robots" content="nofollow"></head>').encode())
    harvest([source_for(site)], store, SETTINGS)
    assert not site.requests_for("/staff/ada") and not site.requests_for("/staff/alan")
    site.routes["/staff/"] = (200, {"Content-Type": "text/html"}, LISTING.encode())
    harvest([source_for(site)], store, SETTINGS)
    ada = next(e for e in store.iter_experts() if e["name"] == "Ada Lovelace")
    assert ada["source_urls"] == [f"{site.root}/staff/"]  # the noindex profile added nothing


def test_requests_to_one_host_keep_the_delay_and_hosts_run_in_parallel(make_site, store):
    sites = [make_site(110 + i) for i in range(3)]
    for site in sites:
        serve_staff(site)
    sources = [source_for(site, name=f"s{i}") for i, site in enumerate(sites)]
    harvest(sources, store, SETTINGS.but(delay=0.3))
    for site in sites:
        times = sorted(t for t, _path, _h in site.log)
        assert len(times) == 4  # robots, listing, two profiles
        assert min(b - a for a, b in zip(times, times[1:])) >= 0.29
    starts = [min(t for t, _p, _h in site.log) for site in sites]
    assert max(starts) - min(starts) < 0.3  # all hosts began together, not one after another


def test_retry_after_is_honoured_and_retries_stop(make_site, store):
    site = make_site(120)
    serve_staff(site)
    calls = []

    def busy(handler):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 503, {"Retry-After": "1", "Content-Type": "text/html"}, b"busy"
        return 200, {"Content-Type": "text/html"}, LISTING.encode()

    site.routes["/staff/"] = busy
    harvest([source_for(site)], store, SETTINGS)
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95
    site.routes["/staff/ada"] = (500, {"Content-Type": "text/html"}, b"err")
    before = len(site.requests_for("/staff/ada"))
    harvest([source_for(site)], store, SETTINGS)
    assert len(site.requests_for("/staff/ada")) - before == 1 + SETTINGS.retries


def test_bodies_are_capped_while_streaming_even_when_gzipped(make_site):
    site = make_site(121)
    bomb = gzip.compress(b"<p>" + b"a" * (20 * 1024 * 1024) + b"</p>")
    site.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    page = Fetcher(SETTINGS.but(max_body_bytes=1024 * 1024)).get(site.root + "/bomb")
    assert page.truncated and len(page.text) <= 1024 * 1024


def test_a_dripping_server_is_cut_off_at_the_deadline(make_site):
    site = make_site(122)

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x" * 1000)
            handler.wfile.flush()
            time.sleep(0.2)

    site.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than"):
        Fetcher(SETTINGS.but(fetch_deadline=1.0)).get(site.root + "/drip")
    assert time.monotonic() - started < 5


def test_redirect_loops_and_out_of_scope_redirects_stop(make_site):
    site = make_site(123)
    site.routes["/a"] = (302, {"Location": "/b"}, b"")
    site.routes["/b"] = (302, {"Location": "/a"}, b"")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        Fetcher(SETTINGS).get(site.root + "/a")
    site.routes["/out"] = (301, {"Location": "http://127.0.0.99/elsewhere"}, b"")
    with pytest.raises(FetchError, match="out of scope"):
        Fetcher(SETTINGS).get(site.root + "/out", in_scope=lambda url: url.startswith(site.root))


def test_non_html_is_skipped_without_downloading(make_site):
    site = make_site(124)
    site.routes["/cv.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF" + b"0" * 100000)
    page = Fetcher(SETTINGS).get(site.root + "/cv.pdf")
    assert page.status == 200 and not page.is_html and page.text == ""


def test_unchanged_pages_are_not_parsed_again_but_their_people_are_verified(make_site, store):
    site = make_site(125)
    serve_staff(site)
    site.routes["/staff/ada"] = (200, {"Content-Type": "text/html", "ETag": '"v1"'},
                                 PROFILE.format(name="Dr Ada Lovelace", title="Lecturer", email="ada@uni.example",
                                                topic="engines").encode())
    harvest([source_for(site)], store, SETTINGS)
    first = {e["name"]: e for e in store.iter_experts()}
    time.sleep(1.1)
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "text/html"}, b"changed"
    site.routes["/staff/ada"] = conditional
    _run, summaries = harvest([source_for(site)], store, SETTINGS)
    second = {e["name"]: e for e in store.iter_experts()}
    assert summaries["fixture"].unchanged >= 1
    assert second["Ada Lovelace"]["interests"] == ["engines"]
    assert second["Ada Lovelace"]["last_verified"] > first["Ada Lovelace"]["last_verified"]
    assert second["Ada Lovelace"]["last_changed"] == first["Ada Lovelace"]["last_changed"]


def test_people_no_longer_listed_may_have_left_after_three_runs_and_gone_profiles_are_removed(make_site, store):
    site = make_site(126)
    serve_staff(site)
    harvest([source_for(site)], store, SETTINGS)
    site.routes["/staff/"] = (200, {"Content-Type": "text/html"}, LISTING.replace(
        '<li><a href="/staff/alan">Prof Alan Turing</a>, Professor of Computing</li>', "").encode())
    for run in range(3):
        store.clear_index_queue(store.take_index_queue(10**6))
        harvest([source_for(site)], store, SETTINGS)
        alan = next(e for e in store.iter_experts() if e["name"] == "Alan Turing")
        assert alan["missed_runs"] == run + 1
        assert bool(alan["may_have_left"]) is (run == 2)
        queued = {expert_id for _seq, expert_id in store.take_index_queue(10**6)}
        if run:  # (the first run changes his record: the listing no longer names him)
            assert (alan["id"] in queued) is (run == 2)  # the index hears when he is to be hidden
    del site.routes["/staff/ada"]
    harvest([source_for(site)], store, SETTINGS)
    ada = next(e for e in store.iter_experts() if e["name"] == "Ada Lovelace")
    assert ada["source_urls"] == [f"{site.root}/staff/"]  # the 404 profile's record is gone


KILLABLE = """
import sys
from directory.store import Store
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources
store = Store(sys.argv[1]); store.ensure_shape()
sources = parse_sources(open(sys.argv[2]).read())
harvest(sources, store, CrawlSettings(delay=float(sys.argv[3]), allow_private_hosts=True))
"""


def test_a_job_killed_with_sigkill_resumes_without_loss_or_duplicates(make_site, tmp_path):
    site = make_site(127)
    site.robots("")
    surnames = "Abbott Baker Carter Dalton Evans Fowler Garcia Hughes Ito Jensen Khan Larsen".split()
    people = [(f"/staff/p{i:02d}", f"Dr Sam {surname}") for i, surname in enumerate(surnames)]
    site.page("/staff/", "<main><ul>" + "".join(f'<li><a href="{p}">{n}</a>, Lecturer</li>' for p, n in people)
              + "</ul></main>")
    for path, name in people:
        site.page(path, PROFILE.format(name=name, title="Lecturer", email=f"{path[-3:]}@uni.example", topic="t"))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nname = "k"\ninstitution = "U"\ncountry = "GB"\n'
                       f'start_urls = ["{site.root}/staff/"]\n')
    db = str(tmp_path / "k.sqlite")
    script = tmp_path / "job.py"
    script.write_text(KILLABLE)
    job = subprocess.Popen([sys.executable, str(script), db, str(sources), "0.25"], cwd=Path(__file__).parent.parent)
    deadline = time.monotonic() + 20
    while len([e for e in site.log if e[1].startswith("/staff/p")]) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    fetched_before = {e[1] for e in site.log if e[1].startswith("/staff/p")}
    store = Store(db)
    done_before = {r["url"] for r in store.db.query("select url from pages where status = 'done'")}
    assert 0 < len(done_before) < 13  # killed part-way
    subprocess.run([sys.executable, str(script), db, str(sources), "0"], check=True, timeout=60,
                   cwd=Path(__file__).parent.parent)
    store = Store(db)
    assert store.expert_count() == 12
    assert len({e["email"] for e in store.iter_experts()}) == 12
    refetched = [e[1] for e in site.log if e[1].startswith("/staff/p")]
    for url in done_before:
        path = url.split(site.root)[1]
        if path in fetched_before and path.startswith("/staff/p"):
            assert refetched.count(path) == 1  # finished pages are not fetched again
    assert [r["status"] for r in store.runs()][0] == "finished"


def test_crawl_delay_from_robots_txt_slows_the_host(make_site, store):
    site = make_site(128)
    serve_staff(site)
    site.robots("User-agent: *\nCrawl-delay: 0.5\n")
    harvest([source_for(site)], store, SETTINGS)
    times = sorted(t for t, path, _h in site.log if path != "/robots.txt")
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.49


def test_traps_budgets_and_scope_bound_a_crawl(make_site, store):
    from scrapers.scope import looks_like_trap

    assert looks_like_trap("http://u.example/staff/a/b/a/b/a/b/")
    assert looks_like_trap("http://u.example/events/2031/04/12/")
    assert not looks_like_trap("http://u.example/staff/people/jane-smith")
    site = make_site(129)
    site.robots("")
    links = "".join(f'<li><a href="/staff/p{i}">Dr Kim Lee{chr(65 + i)}x</a>, Lecturer</li>' for i in range(10))
    site.page("/staff/", f'<main><ul>{links}</ul><a href="/other/">Next</a><a href="?sessionid=42">2</a></main>')
    harvest([source_for(site, max_pages=4)], store, SETTINGS)
    fetched = [path for _t, path, _h in site.log if path != "/robots.txt"]
    assert len(fetched) == 4  # the page budget
    assert "/other/" not in fetched  # outside the start folder
    assert not any("sessionid" in path for path in fetched)  # session variants are the same page


def test_the_site_keeps_answering_while_a_job_holds_the_write_lock(app, client):
    from directory.db import get_index, get_store
    from directory.indexer import sync_index

    with app.app_context():
        store = get_store()
        store.ensure_shape()
        import_experts(store, [{"name": "Ann Lee", "country": "GB", "interests": ["glass"]}])
        sync_index(store, get_index())
    writer = Store(app.config["DATABASE"])
    with writer.transaction():
        writer.db.execute("update experts set title = 'busy'")
        assert client.get("/api/v1/search?q=glass").get_json()["total"] == 1
        assert client.get("/").status_code == 200


def test_a_slow_answer_is_retried_after_a_timeout(make_site, store):
    site = make_site(130)
    serve_staff(site)
    calls = []

    def slow_once(handler):
        calls.append(time.monotonic())
        if len(calls) == 1:
            time.sleep(0.6)
        return 200, {"Content-Type": "text/html"}, LISTING.encode()

    site.routes["/staff/"] = slow_once
    harvest([source_for(site)], store, SETTINGS.but(read_timeout=0.3))
    assert len(calls) == 2 and names(store) == ["Ada Lovelace", "Alan Turing"]


def test_variants_of_a_page_with_one_canonical_url_give_one_record(make_site, store):
    site = make_site(131)
    serve_staff(site)
    canonical = f'<link rel="canonical" href="{site.root}/staff/">'
    site.page("/staff/", LISTING.replace("<html>", f"<html><head>{canonical}</head>")
              .replace("</ul>", '</ul><a href="?sort=name">2</a>'))
    site.page("/staff/?sort=name", LISTING.replace("<html>", f"<html><head>{canonical}</head>"))
    harvest([source_for(site)], store, SETTINGS)
    assert site.requests_for("/staff/?sort=name")
    ada = next(e for e in store.iter_experts() if e["name"] == "Ada Lovelace")
    assert ada["source_urls"] == [f"{site.root}/staff/", f"{site.root}/staff/ada"]


def test_the_user_agent_names_the_directory_and_its_contact_url(make_site, store):
    site = make_site(132)
    serve_staff(site)
    harvest([source_for(site)], store, SETTINGS.but(contact_url="https://directory.example/about-our-crawler"))
    agents = {headers["User-Agent"] for _t, _p, headers in site.log}
    assert agents == {"ExpertiseDirectoryBot/0.1 (+https://directory.example/about-our-crawler)"}


def test_links_deeper_than_the_maximum_depth_are_not_followed(make_site, store):
    site = make_site(133)
    serve_staff(site)
    harvest([source_for(site)], store, SETTINGS.but(max_depth=0))
    assert not site.requests_for("/staff/ada") and names(store) == ["Ada Lovelace", "Alan Turing"]


def test_robots_txt_is_read_again_once_it_is_older_than_the_cache_limit(make_site, store):
    site = make_site(134)
    serve_staff(site)
    harvest([source_for(site)], store, SETTINGS.but(robots_cache_hours=0.3 / 3600, delay=0.2))
    assert len(site.requests_for("/robots.txt")) >= 2


def test_a_profile_reached_through_a_redirect_is_one_person_with_its_listing_entry(make_site, store):
    site = make_site(135)
    serve_staff(site)
    site.routes["/staff/ada"] = (301, {"Location": "/staff/ada-lovelace"}, b"")
    site.page("/staff/ada-lovelace", PROFILE.format(name="Ada Lovelace", title="Senior Lecturer", email="",
                                                    topic="engines"))
    harvest([source_for(site)], store, SETTINGS)
    assert names(store) == ["Ada Lovelace", "Alan Turing"]


def test_a_sharp_drop_in_people_is_a_warning(make_site, store):
    site = make_site(136)
    serve_staff(site)
    harvest([source_for(site)], store, SETTINGS)
    site.page("/staff/", "<main><p>Our staff pages are moving.</p></main>")
    _run, summaries = harvest([source_for(site)], store, SETTINGS)
    assert summaries["fixture"].warning and "against 2 last time" in summaries["fixture"].warning


@pytest.mark.parametrize("robots, allowed", [
    ("\ufeffUser-agent: *\nDisallow: /staff/ada\n", False),  # a UTF-8 BOM does not hide the rules
    ("User-agent: *\nDisallow: /staff/a\nAllow: /staff/ada\n", True),  # the longest match wins
    ("User-agent: ExpertiseDirectoryBot\nDisallow: /staff/ada\n\nUser-agent: *\nAllow: /\n", False),
])
def test_robots_txt_variants(make_site, store, robots, allowed):
    site = make_site(137)
    serve_staff(site)
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, robots.encode("utf-8"))
    harvest([source_for(site)], store, SETTINGS)
    assert bool(site.requests_for("/staff/ada")) is allowed
