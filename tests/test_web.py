"""The site and the API over a real store and index."""
import pytest
from damage import DAMAGES, damage_index

from directory.db import get_index, get_store
from directory.errors import UNAVAILABLE as UNAVAILABLE_SITE
from directory.errors import UNAVAILABLE_API
from directory.indexer import sync_index

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def filled(fill):
    ids = fill([
        {"name": "Ann Lee", "country": "GB", "institution": "Alpha University", "title": "Lecturer",
         "interests": ["cold-adapted enzymes", "marine microbes"], "profile_url": "https://a.example/ann"},
        {"name": "Jörg Müller " + XSS, "country": "DE", "institution": "Beta Hochschule",
         "interests": ["enzymes " + XSS], "profile_url": "javascript:alert(1)"},
    ])
    return {name.split()[0]: expert_id for name, expert_id in ids.items()}


def test_api_search_shape_facets_and_pagination(client, filled):
    body = client.get("/api/v1/search?q=enzymes&per_page=1").get_json()
    assert body["total"] == 2 and len(body["results"]) == 1 and body["per_page"] == 1
    assert body["facets"]["country"] == {"DE": 1, "GB": 1}
    second = client.get("/api/v1/search?q=enzymes&per_page=1&page=2").get_json()
    assert second["results"][0]["id"] != body["results"][0]["id"]
    assert client.get("/api/v1/search?q=enzymes&region=eu").get_json()["total"] == 1


@pytest.mark.parametrize("query, message", [
    ("q=" + "a" * 301, "too long"), ("page=0", "page must be between"), ("per_page=1000", "per_page must be between"),
    ("country=XX", "Unknown country"), ("region=mars", "Unknown region"), ("page=abc", "whole number"),
])
def test_bad_parameters_get_one_json_error_shape(client, filled, query, message):
    response = client.get("/api/v1/search?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and message in error["message"]


def test_unknown_expert_and_endpoint_are_json_404s(client, filled):
    for path in ("/api/v1/experts/nope", "/api/v1/nothing"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_html_search_escapes_scraped_text_and_highlights_matches(client, filled):
    page = client.get("/search?q=enzymes").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<mark>enzymes</mark>" in page
    assert client.get("/search?country=XX").status_code == 400


def test_expert_page_escapes_and_drops_non_http_links(client, filled):
    page = client.get(f"/experts/{filled['Jörg']}").get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:" not in page
    assert client.get("/experts/missing").status_code == 404


def test_every_page_sends_security_headers(client, filled):
    response = client.get("/")
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_a_missing_index_is_a_clear_503_not_a_crash(client, filled, app):
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(app.config["INDEX"]).resolve())
    app.extensions.pop("search_index", None)
    assert client.get("/api/v1/search?q=enzymes").status_code == 503
    assert client.get("/search?q=enzymes").status_code == 503


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_index_is_a_503_with_retry_after_everywhere_that_searches(client, filled, app, how):
    damage_index(app.config["INDEX"], how)
    app.extensions.pop("search_index", None)  # as a worker starting after the damage
    api = client.get("/api/v1/search?q=enzymes")
    assert api.status_code == 503 and api.headers["Retry-After"]
    assert api.get_json() == {"error": {"status": 503, "message": UNAVAILABLE_API}}
    for path in ("/search?q=enzymes", "/embed/results?q=enzymes", "/feeds/search.atom", "/browse"):
        response = client.get(path)
        assert response.status_code == 503 and response.headers["Retry-After"], path
        assert UNAVAILABLE_SITE in response.get_data(as_text=True), path
    assert client.get("/").status_code == 200  # counts come from the store meanwhile
    assert "Ann Lee" in client.get(f"/experts/{filled['Ann']}").get_data(as_text=True)


def test_people_who_may_have_left_are_hidden_from_search_but_keep_their_page(app, client, filled):
    with app.app_context():
        store = get_store()
        with store.transaction():
            store.db.execute("update experts set may_have_left = 1 where id = ?", [filled["Ann"]])
            store.queue_for_index(filled["Ann"])
        sync_index(store, get_index())
    names = [r["name"] for r in client.get("/api/v1/search?q=enzymes").get_json()["results"]]
    assert names and "Ann Lee" not in names
    counted = {c["code"]: c["experts"] for c in client.get("/api/v1/countries").get_json()["countries"]}
    assert counted and all(client.get(f"/api/v1/search?country={code}").get_json()["total"] == n
                           for code, n in counted.items())  # a country's count is what choosing it finds
    places = client.get("/api/v1/institutions").get_json()["institutions"]
    assert places and all(client.get("/api/v1/search", query_string={"institution": place["name"]}).get_json()["total"]
                          == place["experts"] for place in places)
    page = client.get(f"/experts/{filled['Ann']}").get_data(as_text=True)
    assert "may have left" in page


def test_an_expert_page_lists_experts_with_similar_interests(client, fill):
    ids = fill([{"name": "Ann Lee", "country": "GB", "interests": ["glass fibre composites", "wind turbine blades"]},
                {"name": "Bo Chan", "country": "CN", "interests": ["recycling glass fibre composites"]},
                {"name": "Cy Dow", "country": "US", "interests": ["soil science"]}])
    page = client.get(f"/experts/{ids['Ann Lee']}").get_data(as_text=True)
    similar = page.split("Experts with similar interests")[1].split("</ul>")[0]
    assert "Bo Chan" in similar and "Cy Dow" not in similar and "Ann Lee" not in similar


def test_a_search_that_finds_nothing_offers_related_topics_that_have_experts(client, filled):
    page = client.get("/search?q=enzy&expand=0").get_data(as_text=True)  # a longer word's cognates: enzymes
    assert "No experts found" in page and 'id="related-topics"' in page and "topic=enzymes" in page
    page = client.get("/search?q=enzy").get_data(as_text=True)  # in meaning, it is near an interest itself
    assert "Ann Lee" in page and "No experts found" not in page and 'id="related-topics"' not in page
    page = client.get("/search?q=turbomachines").get_data(as_text=True)
    assert "No experts found" in page and "topic=turbomachinery" not in page  # no expert has that topic


def test_did_you_mean_respells_real_misspellings_only_when_the_words_found_nothing(client, fill):
    fill([{"name": "Ann Lee", "country": "GB", "interests": ["lithium batteries", "conducting polymers"]},
          {"name": "Bo Chan", "country": "CN", "interests": ["water purification membranes"]}])
    def said(q, **args):
        return client.get("/api/v1/search", query_string={"q": q, "expand": "0", **args}).get_json()
    assert [r["name"] for r in said("bateries")["results"]] == ["Ann Lee"]  # its cognate key is batteries'
    assert said("batteires")["did_you_mean"] == "batteries"
    assert said("ploymers")["did_you_mean"] == "polymers"
    for nonsense in ("xqzvbnm", "wave purification", "marine learning", "zzzz"):
        assert said(nonsense)["did_you_mean"] is None, nonsense
    filtered = said("batteries", country="DE")  # the filter, not the words, left nothing
    assert filtered["total"] == 0 and filtered["did_you_mean"] is None
    page = client.get("/search", query_string={"q": "batteries", "country": "DE"}).get_data(as_text=True)
    assert 'id="drop-filters"' in page and "1 match your words" in page and "Did you mean" not in page
    page = client.get("/search", query_string={"q": "batteires", "expand": "0"}).get_data(as_text=True)
    assert "Did you mean" in page and "q=batteries" in page


def test_ranking_rewards_the_phrase_as_typed_and_covering_every_part_of_the_query(client, fill):
    fill([{"name": "Kai Roth", "country": "DE", "language": "de", "interests": ["Recycling von Kunststoffen"]},
          {"name": "Li Na", "country": "CN", "interests": ["Lithium-ion batteries", "Battery materials"]},
          {"name": "Ann Lee", "country": "GB", "interests": ["Battery recycling"]},
          {"name": "Bo Chan", "country": "GB", "interests": ["Cold-adapted enzymes from polar microbes"]},
          {"name": "Cy Dow", "country": "US", "interests": ["Enzymes in industrial biotechnology"]},
          {"name": "Di Eze", "country": "NG", "interests": ["Cold water corals"]}])
    def names(q):
        return [r["name"] for r in client.get("/api/v1/search", query_string={"q": q}).get_json()["results"]]
    assert names("battery recycling")[0] == "Ann Lee"
    assert names("enzymes that work in cold water")[0] == "Bo Chan"  # both parts, not one of them twice


def test_a_test_app_keeps_its_files_in_its_own_instance_folder(app, client, tmp_path):
    client.get("/")
    assert app.instance_path == str(tmp_path)
    assert (tmp_path / "secret_key").is_file()
    assert app.config["DATABASE"] == str(tmp_path / "directory.sqlite")
    assert app.config["INDEX"] == str(tmp_path / "index")


def test_scraped_text_is_marked_in_its_source_s_language_not_in_one_told_from_its_words(app, client):
    from types import SimpleNamespace

    from scrapers.clean import page_records

    def saved(language, url, person):
        source = SimpleNamespace(name=f"src-{language}", institution="Uni", country="DE", department=None,
                                 language=language)
        store.save_people(source, url, page_records(source, url, [person]))

    with app.app_context():
        store = get_store()
        with store.transaction():
            saved("de", "http://de.example/p", {"name": "Eva Roth", "interests": ["Spritzguss von Kunststoffen"]})
            saved(None, "http://en.example/p", {"name": "Ann Lee", "title": "Professor of Chinese Studies (中国研究)",
                                                "interests": ["Modern Chinese literature"]})
        sync_index(store, get_index())
        ids = {e["name"]: e["id"] for e in store.iter_experts()}
        assert store.expert(ids["Ann Lee"])["language"] == "zh"  # kept for the index: its CJK words are Chinese
    assert ' lang="de"' in client.get(f"/experts/{ids['Eva Roth']}").get_data(as_text=True)
    assert ' lang="zh"' not in client.get(f"/experts/{ids['Ann Lee']}").get_data(as_text=True)
