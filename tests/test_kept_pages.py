"""Pages kept from a harvest: read again without the network (reextract), fetched again on request
(--refresh), archived as WARC; and preview --explain saying how each field was found."""
import json

from warcio.archiveiterator import ArchiveIterator

LISTING = """<html><body><nav><a href="/">Home</a> <a href="/about">About</a></nav><main><h1>Staff</h1><ul class="people">
<li><a href="/staff/ada">Dr Ada Lovelace</a>, Lecturer</li><li><a href="/staff/alan">Prof. Alan Turing</a>, Professor</li>
</ul></main><footer>office@uni.example</footer></body></html>"""  # noqa: E501 - a page's markup as written
PROFILE = """<html><body><nav><a href="/">Home</a></nav><main><div class="nameplate">{name}</div>
<p>Title: {title}</p><p>Email: {email}</p><h2>Research interests</h2><ul><li>{topic}</li><li>{other}</li></ul>
</main><footer>office@uni.example</footer></body></html>"""


def serve(site):
    site.robots("")
    site.page("/staff/", LISTING)
    site.page("/staff/ada", PROFILE.format(name="Dr Ada Lovelace", title="Lecturer", email="ada@uni.example",
                                           topic="analytical engines", other="numerical methods"))
    site.page("/staff/alan", PROFILE.format(name="Alan Turing", title="Professor", email="alan@uni.example",
                                            topic="computability", other="morphogenesis"))


def sources_file(tmp_path, site, extra=""):
    path = tmp_path / "sources.toml"
    path.write_text(f'[[sources]]\nname = "kept"\ninstitution = "Fixture University"\ncountry = "GB"\n'
                    f'start_urls = ["{site.root}/staff/"]\n{extra}', encoding="utf-8")
    return path


def experts(runner):
    rows = [json.loads(line) for line in runner("export", "--format", "jsonl").output.splitlines()]
    keep = ("name", "title", "email", "interests", "profile_url", "source_urls")
    return sorted(({k: r[k] for k in keep} for r in rows), key=lambda r: r["name"])


def test_a_reextract_without_the_network_gives_the_experts_a_harvest_gave(runner, make_site, tmp_path):
    site = make_site(171)
    serve(site)
    path = sources_file(tmp_path, site)
    assert runner("scrape", "--sources", str(path), "--allow-private-hosts", "--delay", "0").exit_code == 0
    harvested = experts(runner)
    assert {e["name"] for e in harvested} == {"Ada Lovelace", "Alan Turing"}
    assert next(e for e in harvested if e["name"] == "Ada Lovelace")["interests"] == ["analytical engines",
                                                                                        "numerical methods"]
    site.close()  # no network from here on
    result = runner("reextract", "--sources", str(path))
    assert result.exit_code == 0, result.output
    assert "kept: 2 people from 3 kept pages" in result.output
    assert experts(runner) == harvested


def test_a_selector_fixed_in_the_sources_file_applies_to_kept_pages(runner, make_site, tmp_path):
    site = make_site(172)
    serve(site)
    path = sources_file(tmp_path, site)
    assert runner("scrape", "--sources", str(path), "--allow-private-hosts", "--delay", "0").exit_code == 0
    site.close()
    fixed = sources_file(tmp_path, site, 'selectors = { person = "div.nameplate", name = "div.nameplate" }\n')
    assert runner("reextract", "--sources", str(fixed)).exit_code == 0
    names = {e["name"] for e in experts(runner)}
    assert "Ada Lovelace" in names and "Alan Turing" in names


def test_reextract_says_when_a_source_has_no_kept_pages(runner, make_site, tmp_path):
    site = make_site(173)
    result = runner("reextract", "--sources", str(sources_file(tmp_path, site)))
    assert "no kept pages" in result.output and result.exit_code == 0


def test_refresh_reads_pages_that_did_not_change(runner, make_site, tmp_path):
    site = make_site(174)
    serve(site)
    path = sources_file(tmp_path, site)
    args = ["scrape", "--sources", str(path), "--allow-private-hosts", "--delay", "0"]
    assert runner(*args).exit_code == 0
    again = runner(*args)
    assert "(3 unchanged" in again.output
    refreshed = runner(*args, "--refresh")
    assert refreshed.exit_code == 0 and "from 3 pages (0 unchanged" in refreshed.output
    assert not [h for _t, path_, h in site.requests_for("/staff/ada")[2:] if "If-None-Match" in h]


def test_preview_explains_each_field_and_what_was_tried_on_a_page_with_nobody(runner, make_site):
    site = make_site(175)
    serve(site)
    site.page("/empty", "<html><body><main><h1>Welcome</h1><p>Nothing here.</p></main></body></html>")
    shown = runner("preview", f"{site.root}/staff/ada", "--allow-private-hosts", "--explain")
    assert shown.exit_code == 0, shown.output
    [person] = json.loads(shown.output)["people"]
    assert person["name"] == "Ada Lovelace" and person["title"] == "Lecturer"
    assert "nameplate" in person["found"]["name"] and person["found"]["title"] == "labelled title"
    empty = json.loads(runner("preview", f"{site.root}/empty", "--allow-private-hosts", "--explain").output)
    assert empty["people"] == [] and any("listing:" in note for note in empty["tried"])


def test_kept_pages_export_as_a_web_archive(runner, make_site, tmp_path):
    site = make_site(176)
    serve(site)
    assert runner("scrape", "--sources", str(sources_file(tmp_path, site)), "--allow-private-hosts",
                  "--delay", "0").exit_code == 0
    archive = tmp_path / "crawl.warc.gz"
    result = runner("export", "--format", "warc", "--output", str(archive))
    assert result.exit_code == 0, result.output
    with open(archive, "rb") as handle:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(handle) if r.rec_type == "response"]
    assert {uri for uri, _body in records} == {f"{site.root}/staff/", f"{site.root}/staff/ada",
                                               f"{site.root}/staff/alan"}
    assert any(b"analytical engines" in body for _uri, body in records)
    assert runner("export", "--format", "warc").exit_code != 0  # binary: never to a terminal
