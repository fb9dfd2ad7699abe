"""Searching the harvested demo as a firm would: everyday topic words in five languages find the demo's experts on
them, every result says why it is there, and no result is there through a stop word."""
import re

import pytest

from directory.search.analysis import stop_words

pytestmark = pytest.mark.slow  # each test harvests the demo sites over HTTP

# Judged by reading the demo sites (directory/demo/sites): who works on each topic.
EXPERTS = {
    "food": {"Sabine Wagner", "李明", "Valentina Muñoz", "陈静", "张伟"},
    "batteries": {"鈴木 大輔"},
    "enzymes": {"王芳", "Camila Álvarez", "Amelia Hart"},
    "corrosion": {"佐藤 健一", "Tom Briggs", "Ayşe Yılmaz"},
    "packaging": {"Sabine Wagner", "张伟"},
    "3D printing": {"Lukas Fischer"},
}
# The topic in English, German, Spanish, Chinese and Japanese (one word where the two scripts share it).
QUERIES = {
    "food": ["food", "Lebensmittel", "alimentos", "食品"],
    "batteries": ["batteries", "Batterien", "baterías", "电池", "電池"],
    "enzymes": ["enzymes", "Enzyme", "enzimas", "酶", "酵素"],
    "corrosion": ["corrosion", "Korrosion", "corrosión", "腐蚀", "腐食"],
    "packaging": ["packaging", "Verpackung", "envases", "包装"],
    "3D printing": ["3D printing", "3D-Druck", "impresión 3D", "3D打印", "3Dプリンター"],
}


@pytest.fixture
def demo(app, runner, client):
    result = runner("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return client


def found(client, q, **args):
    return client.get("/api/v1/search", query_string={"q": q, "per_page": 10, **args}).get_json()


def test_everyday_topic_words_in_five_languages_find_the_demo_experts_on_them(demo):
    missing = {}
    for topic, queries in QUERIES.items():
        for q in queries:
            body = found(demo, q)
            names = {r["name"] for r in body["results"]}
            if EXPERTS[topic] - names:
                missing[q] = EXPERTS[topic] - names
            assert all(r["why"] for r in body["results"]), q  # every result says why it matched
    assert not missing


def test_no_result_is_there_through_a_stop_word(demo):
    for q in ("für", "von de", "de la", "für von der die das", "の", "的"):
        assert found(demo, q)["total"] == 0, q
    body = found(demo, "Enzyme für kaltes Wasser")
    assert body["results"][0]["name"] in EXPERTS["enzymes"]  # not an injection moulder "Professorin für ..."
    for result in body["results"] + found(demo, "Haltbarkeit von Brot")["results"]:
        for reason in result["why"]:
            words = {w.casefold() for w in re.findall(r"\w+", reason.get("interest") or reason["text"])}
            assert words - stop_words(), reason
    page = demo.get("/search", query_string={"q": "Haltbarkeit von Brot"}).get_data(as_text=True)
    marked = {m.casefold() for m in re.findall(r"<mark>(.*?)</mark>", page)}
    assert marked and not marked & stop_words()


def test_a_foreign_interest_shows_the_topic_in_the_firms_language(demo):
    body = found(demo, "batteries")
    suzuki = next(r for r in body["results"] if r["name"] == "鈴木 大輔")
    assert {"interest": "リチウムイオン電池", "concept": "batteries"} in suzuki["why"]
    german = next(r for r in found(demo, "Batterien")["results"] if r["name"] == "鈴木 大輔")
    assert any(reason.get("concept") == "Batterien" for reason in german["why"])
    page = demo.get("/search", query_string={"q": "batteries"}).get_data(as_text=True)
    assert '<span class="concept" lang="en">(batteries)</span>' in page


def test_similar_experts_are_not_similar_through_stop_words(demo, client):
    body = found(demo, "Lebensmittelverpackungen")
    wagner = next(r for r in body["results"] if r["name"] == "Sabine Wagner")
    page = demo.get(f"/experts/{wagner['id']}").get_data(as_text=True)
    similar = page.split("Experts with similar interests")[1].split("</ul>")[0] if "similar interests" in page else ""
    # Her interests share "von" with Jonas Schneider's "Recycling von Kunststoffen" and nothing else.
    assert "Jonas Schneider" not in similar
