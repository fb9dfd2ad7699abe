"""Stable links, the API contract, feeds, OpenSearch and embeds, for intermediaries."""
import json
import re
import xml.etree.ElementTree as ET

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from directory.paths import DATA

SPEC = json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def filled(fill):
    return fill([
        {"name": "Ann Lee", "country": "GB", "institution": "Alpha University", "title": "Lecturer",
         "interests": ["injection moulding", "polymer processing"], "email": "ann@alpha.example"},
        {"name": "Jörg <b>Müller</b> & Söhne", "country": "DE", "institution": "Beta Hochschule",
         "interests": ["Spritzgießen"]},
    ])


def matches_schema(body, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    errors = list(Draft202012Validator(schema).iter_errors(body))
    assert not errors, [e.message for e in errors]


def test_the_openapi_description_is_valid_and_served(client):
    validate_spec(SPEC)
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.1") and served["servers"][0]["url"].endswith("/api/v1")
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "GET /api/v1/search" in docs and "If-None-Match" in docs


@pytest.mark.parametrize("path, schema", [
    ("/api/v1/search?q=stronger+moulds", "SearchResponse"), ("/api/v1/search?country=DE&sort=recent", "SearchResponse"),
    ("/api/v1/countries", "Countries"), ("/api/v1/regions", "Regions"),
    ("/api/v1/institutions?country=GB", "Institutions"),
    ("/api/v1/topics", "Topics"), ("/api/v1/topics/suggest?q=inj", "Suggestions"), ("/api/v1/stats", "Stats"),
    ("/api/v1/search?page=0", "Error"), ("/api/v1/experts/nope", "Error"), ("/api/v1/institutions?per_page=0", "Error"),
])
def test_real_responses_match_the_openapi_description(client, filled, path, schema):
    response = client.get(path)
    matches_schema(response.get_json(), schema)
    documented = SPEC["paths"][path.split("?")[0].replace("/api/v1", "")]["get"]["responses"] \
        if not path.startswith("/api/v1/experts") else SPEC["paths"]["/experts/{id}"]["get"]["responses"]
    assert str(response.status_code) in documented


def test_an_expert_matches_its_schema(client, filled):
    matches_schema(client.get(f"/api/v1/experts/{filled['Ann Lee']}").get_json(), "Expert")


def test_the_api_is_open_to_browsers_and_answers_conditional_requests(client, filled):
    first = client.get("/api/v1/search?q=moulding")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/api/v1/search?q=moulding", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_clients_are_rate_limited_with_the_same_error_shape(app, filled):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    codes = [client.get("/api/v1/stats").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/stats")
    assert limited.get_json()["error"]["status"] == 429 and limited.headers["Retry-After"]


def test_suggestions_complete_topics(client, filled):
    prefix, completions = client.get("/api/v1/topics/suggest?q=injection").get_json()
    assert prefix == "injection" and "injection moulding" in completions


def test_opensearch_description_is_linked_from_every_page_and_parses(client, filled):
    assert 'rel="search" type="application/opensearchdescription+xml"' in client.get("/").get_data(as_text=True)
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    templates = {u.get("type"): u.get("template") for u in root.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")}
    assert templates["text/html"].endswith("/search?q={searchTerms}")
    assert "application/x-suggestions+json" in templates


def test_the_atom_feed_lists_matching_experts_newest_first_and_escapes_them(client, filled):
    response = client.get("/feeds/search.atom?q=Spritzgie%C3%9Fen&country=DE")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text.split(" (")[0] for e in entries] == ["Jörg <b>Müller</b> & Söhne"]
    assert feed.find(f"{ATOM}updated").text
    everything = ET.fromstring(client.get("/feeds/search.atom").data).findall(f"{ATOM}entry")
    assert len(everything) == 2
    assert client.get("/feeds/search.atom?country=ZZ").status_code == 400


def test_embed_page_gives_a_search_box_and_a_widget_with_the_chosen_defaults(client, filled):
    page = client.get("/embed?q=moulds&country=GB&colour=%23aa3300&name=Trade+%3Cb%3EBody&ref=chamber-1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;input type=&#34;hidden&#34; name=&#34;country&#34; value=&#34;GB&#34;&gt;" in text
    assert "name=&#34;ref&#34; value=&#34;chamber-1&#34;" in text
    assert "/embed/results?" in text and "<b>Body" not in text


def test_the_widget_may_be_framed_by_configured_origins_only_and_counts_referrals(app, client, filled, runner):
    app.config["EMBED_ORIGINS"] = "https://chamber.example"
    response = client.get("/embed/results?q=moulding&colour=zzz;}body{&ref=chamber-1&name=<script>x</script>")
    assert "frame-ancestors https://chamber.example" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    text = response.get_data(as_text=True)
    assert "Ann Lee" in text and "<script>x" not in text and "body{" not in text
    assert client.get("/search?q=moulding&ref=chamber-1").status_code == 200
    assert client.get("/").headers["X-Frame-Options"] == "SAMEORIGIN"
    output = runner("referrals").output
    assert "chamber-1" in output and " 2 " in output


def test_stable_search_links_round_trip(client, filled):
    response = client.get("/search?q=moulding&country=GB&region=europe&topic=injection-moulding&page=1")
    assert response.status_code == 200 and "Ann Lee" in response.get_data(as_text=True)


@pytest.mark.parametrize("colour, ratio", [("#000000", 21.0), ("#ffffff", 1.0), ("#0b5cad", 6.7), ("#767676", 4.5),
                                           ("#f2d600", 1.5)])
def test_contrast_ratios_follow_wcag(colour, ratio):
    from directory.intermediaries import contrast_ratio

    assert round(contrast_ratio(colour, "#ffffff"), 1) == ratio


def test_the_embed_builder_warns_of_a_pale_colour_and_offers_only_topics_with_experts(client, filled):
    pale = client.get("/embed?colour=%23f2d600").get_data(as_text=True)
    assert "Warning: this colour on white has a contrast of 1.5:1" in pale
    assert "Warning" not in client.get("/embed?colour=%230b5cad").get_data(as_text=True)
    offered = set(re.findall(r'<option value="([^"]+)"', pale.split('id="topic"')[1].split("</select>")[0]))
    topics = client.get("/api/v1/topics").get_json()["topics"]
    assert offered and offered == {t["id"] for t in topics if t["experts"]} and len(offered) < len(topics)


def test_the_snippets_filters_are_shown_each_with_a_link_that_removes_it(client, filled):
    page = client.get("/embed?q=moulds&region=europe&country=GB&name=Chamber&ref=c1").get_data(as_text=True)
    shown = page.split('id="filters-heading"')[1].split("</ul>")[0]
    assert "Region: <strong>Europe</strong>" in shown and "Country: <strong>United Kingdom</strong>" in shown
    removals = dict(re.findall(r'<a href="([^"]+)">remove<span class="visually-hidden"> the (\w+) filter', shown))
    without_region = {v: k for k, v in removals.items()}["region"].replace("&amp;", "&")
    again = client.get(without_region).get_data(as_text=True)
    assert 'name="region"' not in again.split('id="snippet-box"')[1].split("</code>")[0]
    assert "Country: <strong>United Kingdom</strong>" in again and "Region:" not in again.split("filters-heading")[1]
    assert "name=Chamber" in without_region and "ref=c1" in without_region and "q=moulds" in without_region
def test_a_feed_is_valid_xml_whatever_control_characters_the_data_and_the_query_hold(client, fill):
    fill([{"name": "Ann\x01 Lee\x0b", "country": "GB", "title": "Lecturer\x1b[31m",
           "interests": ["glass\x00 fibre\ufffe"]}])
    response = client.get("/feeds/search.atom", query_string={"q": "glass\x02\x1f"})
    entries = ET.fromstring(response.data).findall(f"{ATOM}entry")  # raises on invalid XML
    assert [e.find(f"{ATOM}title").text.split(",")[0] for e in entries] == ["Ann Lee"]


@pytest.mark.parametrize("path", ["/", "/search?q=glass", "/feeds/search.atom", "/opensearch.xml", "/embed?q=glass",
                                  "/embed/results?q=glass", "/api/v1/search?q=glass", "/api/v1/openapi.json"])
def test_a_request_for_an_untrusted_host_name_is_refused_before_any_link_is_made(client, filled, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400 and b"evil.example/" not in response.data
    if path.startswith("/api/"):
        assert response.get_json()["error"]["status"] == 400


def test_absolute_links_name_the_configured_host(app, filled):
    app.config["TRUSTED_HOSTS"] = ["experts.example.org"]
    client = app.test_client()
    feed = client.get("/feeds/search.atom", headers={"Host": "experts.example.org"}).get_data(as_text=True)
    assert "http://experts.example.org/experts/" in feed
    assert client.get("/feeds/search.atom").status_code == 400  # localhost is no longer one of its names


@pytest.mark.parametrize("method, path, status", [
    ("POST", "/api/v1/search", 405), ("DELETE", "/api/v1/experts/x", 405), ("PUT", "/api/v1/nothing", 405),
    ("GET", "/api/v2/search", 404), ("GET", "/api/", 404), ("GET", "/api/v1/nothing", 404),
])
def test_every_api_error_has_the_one_json_shape(client, filled, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status and response.mimetype == "application/json"
    matches_schema(response.get_json(), "Error")
    assert response.get_json()["error"]["status"] == status
    if status == 405:
        assert "GET" in response.headers["Allow"]
