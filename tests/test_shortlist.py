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


def test_offsite_redirects_are_refused(client, filled):
    response = client.post("/shortlist/", data={"id": filled["Ann Lee"], "action": "add", "csrf_token": token(client),
                                                "next": "//evil.example/"})
    assert response.headers["Location"] == "/shortlist/"


def test_csv_export_is_safe_from_formula_injection(client, filled):
    add(client, filled["Ann Lee"])
    rows = list(csv.DictReader(io.StringIO(client.get("/shortlist/shortlist.csv").data.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Ann Lee"
    assert rows[0]["title"].startswith("'=") and rows[0]["interests"] == "glass; +ceramics"


def test_csv_opens_in_a_spreadsheet_with_names_intact_and_always_has_its_documented_header(client, fill):
    from pathlib import Path

    ids = fill([{"name": "Camila Álvarez", "country": "CL", "institution": "Universidad Austral", "interests": ["glass"]}])
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
