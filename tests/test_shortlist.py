"""The shortlist (no account), its exports, and browsing."""
import csv
import io
import re

import pytest


@pytest.fixture
def filled(fill):
    return fill([
        {"name": "Ann Lee", "country": "GB", "institution": "Alpha University", "title": "=cmd|' /C calc'!A0",
         "interests": ["glass", "+ceramics"], "email": "ann@alpha.example"},
        {"name": "Bo Chan", "country": "CN", "institution": "Gamma", "interests": ["glass"]},
    ])


def token(client, path="/shortlist/"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True) +
                     client.get("/search?q=glass").get_data(as_text=True)).group(1)


def add(client, expert_id, action="add"):
    return client.post("/shortlist/", data={"id": expert_id, "action": action, "csrf_token": token(client),
                                            "next": "/search?q=glass"})


def test_posting_without_a_csrf_token_is_refused(client, filled):
    assert client.post("/shortlist/", data={"id": filled["Ann Lee"], "action": "add"}).status_code == 400
    assert "Ann Lee" not in client.get("/shortlist/").get_data(as_text=True)


def test_add_and_remove_without_an_account_and_without_javascript(client, filled):
    response = add(client, filled["Ann Lee"])
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=glass"
    add(client, filled["Bo Chan"])
    add(client, "no-such-expert")
    page = client.get("/shortlist/").get_data(as_text=True)
    assert "Ann Lee" in page and "Bo Chan" in page and "Shortlist (2)" in page
    add(client, filled["Bo Chan"], action="remove")
    assert "Bo Chan" not in client.get("/shortlist/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "/\\evil.example", "/\n/evil.example",
                                    "/search\r\nSet-Cookie: x=1", "https://evil.example/", "javascript:alert(1)",
                                    " /evil", "/\x00/evil.example"])
def test_offsite_and_broken_redirects_are_refused(client, filled, target):
    response = client.post("/shortlist/", data={"id": filled["Ann Lee"], "action": "add", "csrf_token": token(client),
                                                "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/shortlist/"


def test_csv_export_is_safe_from_formula_injection(client, filled):
    add(client, filled["Ann Lee"])
    rows = list(csv.DictReader(io.StringIO(client.get("/shortlist/shortlist.csv").data.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Ann Lee"
    assert rows[0]["title"].startswith("'=") and rows[0]["interests"] == "glass; +ceramics"


def test_csv_opens_in_a_spreadsheet_with_names_intact_and_always_has_its_documented_header(client, fill):
    from pathlib import Path

    ids = fill([{"name": "Camila Álvarez", "country": "CL", "institution": "Universidad Austral",
                 "interests": ["glass"]}])
    empty = client.get("/shortlist/shortlist.csv").data
    assert empty.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark a spreadsheet looks for
    header = empty.decode("utf-8-sig").splitlines()
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    documented = re.findall(r"`(\w+)`", re.search(r"CSV columns, in order: (.+?)A cell", readme, re.S).group(1))
    assert header == [",".join(documented)]
    assert "source" not in header[0].split(",") and "may_have_left" not in header[0]
    add(client, ids["Camila Álvarez"])
    body = client.get("/shortlist/shortlist.csv").data
    assert body.startswith(b"\xef\xbb\xbfname,") and "Camila Álvarez".encode() in body


def test_vcard_export(client, filled):
    add(client, filled["Ann Lee"])
    card = client.get("/shortlist/shortlist.vcf").get_data(as_text=True)
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\n")
    assert "EMAIL:ann@alpha.example" in card and "ORG:Alpha University" in card and card.endswith("END:VCARD\r\n")


def test_browse_shows_coverage_by_country_and_institution(client, filled):
    page = client.get("/browse").get_data(as_text=True)
    assert "United Kingdom" in page and "China" in page and "Alpha University" in page


def test_the_shortlist_cookie_outlives_the_browser_and_holds_nothing_but_ids(client, filled, app):
    response = add(client, filled["Ann Lee"])
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie  # a dated cookie: a browser keeps it after closing, unlike a session cookie
    with app.test_request_context():
        data = app.session_interface.get_signing_serializer(app).loads(cookie.split(";")[0].split("=", 1)[1])
    assert data["shortlist"] == [filled["Ann Lee"]] and set(data) <= {"shortlist", "csrf_token", "_permanent"}


def test_a_shared_link_recreates_the_list_for_anyone(client, filled, app):
    add(client, filled["Ann Lee"])
    add(client, filled["Bo Chan"])
    page = client.get("/shortlist/").get_data(as_text=True)
    link = re.search(r'id="share-link" class="share" type="url" readonly value="([^"]+)"', page).group(1)
    assert link.endswith(f"/shortlist/?ids={filled['Ann Lee']},{filled['Bo Chan']}")

    friend = app.test_client()
    shared = friend.get(link).get_data(as_text=True)
    assert "A shared shortlist" in shared and "Ann Lee" in shared and "Bo Chan" in shared
    assert "Your shortlist is empty" in friend.get("/shortlist/").get_data(as_text=True)  # theirs is untouched
    csv_rows = friend.get(link.replace("/shortlist/?", "/shortlist/shortlist.csv?")).data.decode("utf-8-sig")
    assert [r["name"] for r in csv.DictReader(io.StringIO(csv_rows))] == ["Ann Lee", "Bo Chan"]
    friend.post("/shortlist/", data={"ids": f"{filled['Bo Chan']},no-such-expert", "action": "add",
                                     "csrf_token": token(friend)})
    mine = friend.get("/shortlist/").get_data(as_text=True)
    assert "Bo Chan" in mine and "Ann Lee" not in mine and "Shortlist (1)" in mine
    assert "names no expert" in friend.get("/shortlist/?ids=%3Cscript%3E,zzz").get_data(as_text=True)


def test_the_world_map_ships_small_with_its_licence_and_iso_codes():
    from directory import countries
    from directory.paths import DATA

    width, height, shapes = countries.world_shapes()
    assert (DATA / "world_map.json").stat().st_size < 60_000
    assert "public domain" in (DATA / "world_map.LICENSE").read_text()
    assert len(shapes) > 150 and all(countries.is_country(code) for code in shapes) and "AQ" not in shapes
    assert {"GB", "CL", "NZ", "FJ", "RU"} <= set(shapes) and width > height
    assert countries.shade_levels({"GB": 100, "CL": 10, "FR": 1, "DE": 0}) == {"GB": 5, "CL": 3, "FR": 1}
