"""Who is who, and erasure: an opt-out holds against every form of the person, for ever; one site cannot merge or
deface another's people; wrong merges can be undone; an erased person leaves no trace in the store, the logs or the
index. Through the real `directory` commands against fixture sites on 127.0.0.x, and on real SQLite files."""
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from directory.db import get_index, get_store
from directory.exports import export_row
from directory.indexer import sync_index
from directory.store import Store
from scrapers.clean import page_records

LISTING = """<html><body><main><h1>Staff</h1><ul>
<li><a href="/staff/ada">Dr Ada Lovelace</a>, Senior Lecturer{ada_email}</li>
<li><a href="/staff/alan">Prof Alan Turing</a>, Professor of Computing</li>{more}</ul></main></body></html>"""
PROFILE = """<html><body><main><h1>{name}</h1><p>{title}</p><p>{email}</p>
<h2>Research interests</h2><ul><li>{topic}</li></ul></main></body></html>"""


def serve_department(site, ada_email="", more=""):
    site.robots("")
    site.page("/staff/", LISTING.format(ada_email=ada_email, more=more))
    site.page("/staff/ada", PROFILE.format(name="Dr Ada Lovelace", title="Senior Lecturer", email="ada@uni.example",
                                           topic="zymurgy of analytical engines"))
    site.page("/staff/alan", PROFILE.format(name="Prof Alan Turing", title="Professor of Computing",
                                            email="alan@uni.example", topic="computability"))


def sources_file(tmp_path, *sites):
    """A sources file with one source per (name, site, institution)."""
    path = tmp_path / "sources.toml"
    path.write_text("".join(f'[[sources]]\nname = "{name}"\ninstitution = "{institution}"\ncountry = "GB"\n'
                            f'start_urls = ["{site.root}/{start}"]\n\n' for name, site, institution, start in sites))
    return path


def experts(app):
    with app.app_context():
        return {e["name"]: e for e in get_store().iter_experts()}


def scrape(runner, path):
    result = runner("scrape", "--sources", str(path))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def department(make_site, tmp_path):
    site = make_site(170)
    serve_department(site)
    return site, sources_file(tmp_path, ("maths", site, "Fixture University", "staff/"))


# -- 1. an opt-out holds for ever against every form of the person ----------------------------------------------

def test_an_opt_out_by_the_profile_email_also_keeps_out_the_listing_row(app, runner, department, tmp_path):
    site, path = department
    scrape(runner, path)
    assert {"Ada Lovelace", "Alan Turing"} <= set(experts(app))
    assert runner("optout", "add", "--email", "ada@uni.example").exit_code == 0
    serve_department(site, more='<li><a href="/staff/grace">Dr Grace Hopper</a>, Lecturer</li>')  # the page changes
    site.page("/staff/grace", PROFILE.format(name="Dr Grace Hopper", title="Lecturer", email="grace@uni.example",
                                             topic="compilers"))
    scrape(runner, path)
    assert set(experts(app)) == {"Alan Turing", "Grace Hopper"}  # the listing row (name, title, link) stays out
    with sqlite3.connect(tmp_path / "directory.sqlite") as db:  # nor is their profile page kept, or queued again
        assert not db.execute("select * from pages where url like '%/staff/ada'").fetchall()


def test_an_opt_out_holds_when_the_listing_and_the_profile_show_different_emails(app, runner, department):
    site, path = department
    listed = ', <a href="mailto:a.lovelace@maths.uni.example">a.lovelace@maths.uni.example</a>'
    serve_department(site, ada_email=listed)
    scrape(runner, path)
    ada = experts(app)["Ada Lovelace"]
    assert runner("optout", "add", "--email", "ada@uni.example").output.startswith("Opt-out recorded; 1 expert(s)")
    serve_department(site, ada_email=listed, more="<li><a href=\"/staff/grace\">Dr Grace Hopper</a>, Lecturer</li>")
    site.page("/staff/grace", PROFILE.format(name="Dr Grace Hopper", title="Lecturer", email="grace@uni.example",
                                             topic="compilers"))
    scrape(runner, path)
    assert "Ada Lovelace" not in experts(app) and ada["id"] not in {e["id"] for e in experts(app).values()}
    assert runner("optout", "add", "--email", "a.lovelace@maths.uni.example").output.startswith(
        "Opt-out recorded; 0 expert(s)")  # the listing's email was held by the first opt-out already


@pytest.fixture
def store(tmp_path):
    store = Store(str(tmp_path / "s.sqlite"))
    store.ensure_shape()
    return store


def src(name="dept-a", institution="Alpha University"):
    return SimpleNamespace(name=name, institution=institution, country="GB", department=None)


def save(store, page, *people, source=None):
    with store.transaction():
        source = source or src()
        return store.save_people(source, page, page_records(source, page, people))


def names(store):
    return sorted(e["name"] for e in store.iter_experts())


def test_an_opt_out_by_any_form_of_the_name_covers_the_others_and_every_later_address(store):
    save(store, "http://a.example/staff/", {"name": "Wang Wei", "other_names": ["王伟"], "title": "Professor"})
    store.add_suppression(name="王伟", institution="Alpha University")
    assert names(store) == []
    save(store, "http://a.example/people/", {"name": "王伟", "email": "wei@a.example"})
    save(store, "http://a.example/en/", {"name": "Wang Wei"})
    assert names(store) == []
    # The email that came with the name is held too, under another form of the name.
    save(store, "http://a.example/list/", {"name": "W. Wang", "email": "WEI@a.example"})
    assert names(store) == []


def test_a_person_is_checked_whole_not_record_by_record(store):
    store.add_suppression(profile_url="http://a.example/staff/jane")
    # Neither record alone gives the opted-out profile twice over, but together they are the one person.
    save(store, "http://a.example/x/", {"name": "Jane Smith", "email": "js@a.example", "profile_url": "http://a.example/staff/jane"},
         {"name": "Jane Smith", "email": "js@a.example", "profile_url": "http://a.example/staff/j-smith"})
    assert names(store) == []
    save(store, "http://a.example/y/", {"name": "Jane Smith", "profile_url": "http://a.example/staff/j-smith"})
    assert names(store) == []  # the other profile was recorded as theirs when it came with the first


def test_a_namesake_with_addresses_of_their_own_is_not_held_by_someone_elses_opt_out(store):
    save(store, "http://a.example/staff/", {"name": "Ann Lee", "email": "ann.lee@a.example",
                                            "profile_url": "http://a.example/staff/ann"})
    store.add_suppression(email="ann.lee@a.example")
    save(store, "http://a.example/staff/", {"name": "Ann Lee", "email": "a.lee2@a.example",
                                            "profile_url": "http://a.example/staff/ann-lee-2"})
    assert names(store) == ["Ann Lee"]


# -- 2. joins only on evidence one site cannot forge about another -----------------------------------------------

HOSTILE = """<html><head><script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Person",
"name": "Jane Smith", "email": "jane@uni.example", "url": "{victim}/staff/bob", "jobTitle": "Chief Impostor",
"telephone": "+44 20 7946 0000"}}</script></head><body><main><h1>Jane Smith</h1></main></body></html>"""


def test_a_page_on_another_site_can_neither_claim_a_profile_nor_merge_two_colleagues(app, runner, make_site, tmp_path):
    victim, hostile = make_site(171), make_site(172)
    victim.robots("")
    victim.page("/staff/", """<html><body><main><h1>Staff</h1><ul>
<li><a href="/staff/jane">Dr Jane Smith</a>, Reader in Optics</li>
<li><a href="/staff/bob">Dr Bob Jones</a>, Lecturer in Acoustics</li></ul></main></body></html>""")
    victim.page("/staff/jane", PROFILE.format(name="Dr Jane Smith", title="Reader in Optics", email="jane@uni.example",
                                              topic="lasers"))
    victim.page("/staff/bob",
                PROFILE.format(name="Dr Bob Jones", title="Lecturer in Acoustics", email="bob@uni.example",
                                             topic="sound"))
    hostile.robots("")
    hostile.page("/people/", HOSTILE.format(victim=victim.root))
    path = sources_file(tmp_path, ("physics", victim, "Fixture University", "staff/"),
                        ("elsewhere", hostile, "Other University", "people/"))
    scrape(runner, path)
    with app.app_context():
        found = list(get_store().iter_experts())
    by_source = {(e["name"], tuple(e["sources"])): e for e in found}
    jane, bob = by_source[("Jane Smith", ("physics",))], by_source[("Bob Jones", ("physics",))]
    assert jane["title"] == "Reader in Optics" and jane["phone"] is None
    assert bob["title"] == "Lecturer in Acoustics" and bob["email"] == "bob@uni.example"
    assert all(e["profile_url"] != f"{victim.root}/staff/bob" for e in found if "elsewhere" in e["sources"])


def test_a_merge_lasts_only_as_long_as_the_page_that_made_it(store):
    save(store, "http://a.example/staff/", {"name": "Jane Smith", "profile_url": "http://a.example/staff/jane"},
         {"name": "Jane Smith", "profile_url": "http://a.example/people/jsmith"})
    before = {e["profile_url"]: e["id"] for e in store.iter_experts()}
    assert len(before) == 2  # namesakes with two profiles: two people
    save(store, "http://a.example/joint/", {"name": "Jane Smith", "profile_url": "http://a.example/staff/jane",
                                            "alias_urls": ["http://a.example/people/jsmith"]})
    assert store.expert_count() == 1
    with store.transaction():
        store.forget_page(src(), "http://a.example/joint/")  # the page that said they were one answers 404
    assert {e["profile_url"]: e["id"] for e in store.iter_experts()} == before


def test_people_who_share_one_contact_link_stay_apart_and_do_not_get_it_as_their_profile(store):
    contact = "http://a.example/staff/contact.html"
    save(store, "http://a.example/staff/", {"name": "Ann Lee", "profile_url": contact, "email": "office@a.example"},
         {"name": "Bo Chan", "profile_url": contact, "email": "office@a.example"},
         {"name": "Cy Diaz", "profile_url": contact})
    found = list(store.iter_experts())
    assert sorted(e["name"] for e in found) == ["Ann Lee", "Bo Chan", "Cy Diaz"]
    assert {e["profile_url"] for e in found} == {None} and {e["email"] for e in found} == {None}
    store.add_suppression(profile_url=contact)  # and an opt-out by it holds no one
    assert store.expert_count() == 3


def test_differently_named_people_giving_one_address_on_different_pages_stay_apart(store):
    save(store, "http://a.example/staff/ann", {"name": "Ann Lee", "email": "office@a.example"})
    save(store, "http://a.example/staff/bo", {"name": "Bo Chan", "email": "office@a.example"})
    assert names(store) == ["Ann Lee", "Bo Chan"]
    store.add_suppression(email="office@a.example")  # erases both, but keeps no name of theirs for the other
    save(store, "http://a.example/staff/cy", {"name": "Ann Lee", "profile_url": "http://a.example/staff/ann"})
    assert names(store) == []  # Ann's page, their own: still hers


def test_an_import_of_two_rows_sharing_a_profile_url_keeps_two_people_and_says_so(runner, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in [
        {"name": "Ann Lee", "country": "GB", "profile_url": "https://a.example/staff/"},
        {"name": "Bo Chan", "country": "GB", "profile_url": "https://a.example/staff/"},
        {"name": "Cy Diaz", "country": "GB", "email": "cy@a.example"},
        {"name": "Cy Diaz", "country": "GB", "email": "cy@a.example", "title": "Reader"}]))
    result = runner("import", str(data))
    assert result.exit_code == 0
    exported = [json.loads(line) for line in runner("export").output.splitlines()]
    assert sorted(row["name"] for row in exported) == ["Ann Lee", "Bo Chan", "Cy Diaz"]
    assert "Imported 3 experts" in result.output
    assert "4 rows: 0 held back by an opt-out, 1 the same person" in result.output
    assert "rows 1, 2 give one address (a.example/staff) under different names: kept apart" in result.output


def test_an_import_row_with_a_value_of_the_wrong_kind_is_named_and_nothing_is_imported(runner, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"name": "Ann Lee", "country": "GB"}\n'
                    '{"name": "Bo Chan", "country": "GB", "email": ["b@a.example"]}\n')
    result = runner("import", str(data))
    assert result.exit_code == 1 and "row 2: 'email' must be text; nothing was imported" in result.output
    assert runner("export").output == ""


def test_records_are_grouped_the_same_whatever_order_they_arrive_in():
    from directory.identity import group

    records = {1: ("a", ["url:a/1", "name:wei wang"]), 2: ("b", ["url:a/2", "name:wei wang"]),
               3: ("c", ["email:w@a", "name:wei wang"]), 4: ("d", ["email:w@a", "url:a/1", "name:wei wang"])}
    for order in ([1, 2, 3, 4], [4, 3, 2, 1], [2, 4, 1, 3]):
        assert sorted(map(sorted, group({k: records[k] for k in order}))) == [[1, 3, 4], [2]]


# -- 3. reversible merges -----------------------------------------------------------------------------------------

def test_a_curator_split_holds_across_later_harvests_and_can_be_lifted(app, runner, department):
    site, path = department
    scrape(runner, path)
    ada = experts(app)["Ada Lovelace"]
    shown = runner("experts", "show", ada["id"])
    assert shown.exit_code == 0 and f"{site.root}/staff/ada" in shown.output and "  2  " in shown.output
    split = runner("experts", "split", ada["id"], "1", "--note", "ticket 7")
    assert split.exit_code == 0, split.output
    assert len([e for e in _all(app) if e["name"] == "Ada Lovelace"]) == 2
    serve_department(site, more='<li><a href="/staff/grace">Dr Grace Hopper</a>, Lecturer</li>')
    scrape(runner, path)
    adas = [e for e in _all(app) if e["name"] == "Ada Lovelace"]
    assert len(adas) == 2 and ada["id"] in {e["id"] for e in adas}  # still apart; one keeps the old id
    assert "ticket 7" in runner("experts", "show", ada["id"]).output
    assert runner("experts", "unsplit", split.output.split()[1].rstrip(":")).exit_code == 0
    assert [e["id"] for e in _all(app) if e["name"] == "Ada Lovelace"] == [ada["id"]]
    assert runner("experts", "split", ada["id"], "1", "2").exit_code == 1  # all of them is not a split


def _all(app):
    with app.app_context():
        return list(get_store().iter_experts())


# -- 4. erasure removes every trace --------------------------------------------------------------------------------

def test_an_erased_person_leaves_nothing_in_the_database_the_logs_or_the_index(app, runner, department, tmp_path):
    site, path = department
    scrape(runner, path)
    assert runner("optout", "add", "--email", "ada@uni.example").exit_code == 0
    db = sqlite3.connect(tmp_path / "directory.sqlite")
    assert not db.execute("select * from pages where url like '%/staff/ada%'").fetchall()
    assert not db.execute(
        "select * from page_cache where url like '%/staff/ada%' or links like '%/staff/ada%'").fetchall()
    db.close()
    with app.app_context():  # no kept copy of a page names them (the listing is fetched afresh next time)
        store = get_store()
        kept = list(store.page_bodies(store.stored_page_urls("maths")))
        assert [url for url, *_rest in kept] == [f"{site.root}/staff/alan"]
        assert not [text for _u, _f, text, _h in kept if "Lovelace" in text]
    log = (tmp_path / "logs" / "scrape.log").read_text()
    assert "/staff/alan" in log and "/staff/ada" not in log
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".log" and p.name != "sources.toml"]
    for needle in (b"Lovelace", b"lovelac", b"ada@uni", b"zymurgi", b"zymurgy"):
        assert not [p for p in files if needle in p.read_bytes()], needle  # database, its log and the index files
    assert [e["name"] for e in _all(app)] == ["Alan Turing"]


def test_did_you_mean_no_longer_offers_an_erased_persons_rare_interest(app, client, fill, runner):
    fill([{"name": "Ann Lee", "country": "GB", "email": "ann@a.example", "interests": ["zymurgy"]},
          {"name": "Bo Chan", "country": "GB", "interests": ["glass"]}])
    assert client.get("/api/v1/search?q=zymorgy").get_json()["did_you_mean"] == "zymurgy"
    assert runner("optout", "add", "--email", "ann@a.example").exit_code == 0
    assert client.get("/api/v1/search?q=zymorgy").get_json()["did_you_mean"] is None


def age_everything(app, hours=1):
    """As if the directory had last changed an hour ago (a client's copy from then)."""
    stamp = (datetime.now(timezone.utc) - timedelta(hours=hours)).replace(microsecond=0)
    with app.app_context():
        store = get_store()
        with store.transaction():
            store.db.execute("update experts set last_verified = ?", [stamp.isoformat()])
            store.db.execute("update meta set value = ? where key = 'changed'", [stamp.isoformat()])
    return format_datetime(stamp, usegmt=True)


def test_conditional_requests_see_every_erasure_and_hiding(app, client, fill, runner):
    ids = fill([{"name": "Ann Lee", "country": "GB", "email": "ann@a.example", "interests": ["glass"]},
                {"name": "Bo Chan", "country": "GB", "interests": ["glass"]}])
    age_everything(app)
    first = client.get("/api/v1/search?q=glass")
    assert first.get_json()["total"] == 2
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get("/api/v1/search?q=glass", headers=since).status_code == 304
    assert runner("optout", "add", "--email", "ann@a.example").exit_code == 0
    after = client.get("/api/v1/search?q=glass", headers=since)
    assert after.status_code == 200 and after.get_json()["total"] == 1
    assert client.get("/api/v1/search?q=glass", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    since = {"If-Modified-Since": age_everything(app)}
    with app.app_context():  # Bo may have left: hidden from searches
        store = get_store()
        with store.transaction():
            store.db.execute("update experts set may_have_left = 1 where id = ?", [ids["Bo Chan"]])
            store.queue_for_index(ids["Bo Chan"])
        sync_index(store, get_index())
    hidden = client.get("/api/v1/search?q=glass", headers=since)
    assert hidden.status_code == 200 and hidden.get_json()["total"] == 0
    assert client.get(f"/api/v1/experts/{ids['Bo Chan']}", headers=since).status_code == 200


# -- 5. other names ---------------------------------------------------------------------------------------------

def test_other_names_are_kept_merged_and_shown_in_the_export_the_api_and_the_page(app, client, store):
    page = "http://a.example/staff/wang"
    save(store, "http://a.example/staff/",
         {"name": "Wang Wei", "profile_url": page, "other_names": ["王伟", "Wang Wei"]})
    save(store, page, {"name": "Wang Wei", "profile_url": page, "other_names": ["Wei Wang", "x" * 500, 7]})
    [expert] = list(store.iter_experts())
    assert expert["other_names"] == ["王伟", "Wei Wang", "x" * 200]  # the name itself once, capped, strings only
    assert export_row(expert)["other_names"] == expert["other_names"]


def test_the_api_and_the_expert_page_show_other_names(client, fill):
    from jsonschema import Draft202012Validator

    from directory.paths import DATA

    ids = fill([{"name": "Wang Wei", "other_names": ["王伟"], "country": "CN", "interests": ["glass"]}])
    body = client.get(f"/api/v1/experts/{ids['Wang Wei']}").get_json()
    assert body["other_names"] == ["王伟"]
    spec = json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
    described = {"$ref": "#/components/schemas/Expert", "components": spec["components"]}
    assert not list(Draft202012Validator(described).iter_errors(body))
    assert spec["components"]["schemas"]["Expert"]["properties"]["other_names"]["type"] == "array"
    assert "王伟" in client.get(f"/experts/{ids['Wang Wei']}").get_data(as_text=True)


# -- the upgrade ------------------------------------------------------------------------------------------------

def test_an_upgraded_store_recomputes_merges_made_under_the_old_rules(tmp_path):
    path = tmp_path / "old.sqlite"
    store = Store(str(path))
    store.ensure_shape()
    save(store, "http://a.example/staff/", {"name": "Jane Smith", "email": "jane@a.example"},
         {"name": "Bob Jones", "email": "bob@a.example"})
    jane, bob = (next(e["id"] for e in store.iter_experts() if e["name"] == n) for n in ("Jane Smith", "Bob Jones"))
    # As schema 3 left a hostile merge: both people's records under one expert, keys in expert_keys.
    store.db.execute("update records set expert_id = ?", [jane])
    store.db.execute("delete from experts where id = ?", [bob])
    store.db.execute("drop table record_keys")
    store.db.execute("create table expert_keys (key text primary key, expert_id text)")
    store.db.execute("drop table migrations")  # as every database was before migrations had names
    store.db.conn.commit()
    store = Store(str(path))
    store.ensure_shape()
    assert {e["name"]: e["id"] for e in store.iter_experts()} == {"Jane Smith": jane, "Bob Jones": bob}
    assert "expert_keys" not in store.db.table_names()
    assert Path(path).exists()
