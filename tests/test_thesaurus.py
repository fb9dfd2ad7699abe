"""Plain-language queries reach academic terms in other languages."""
import json
import re
from pathlib import Path

import pytest

from directory import languages, thesaurus
from directory.indexer import with_topics
from directory.search import SearchIndex, querying

# Plain-language queries and the demo experts they should find (the demo sites, harvested for real).
# `make bench` writes recall@10 per query to docs/BENCHMARKS.md from the same file.
RECALL_QUERIES = {q: set(names) for q, names in json.loads((Path(__file__).parent / "demo_queries.json")
                                                          .read_text(encoding="utf-8")).items()}
RECALL_FLOOR = 0.9


def test_every_concept_has_labels_in_ten_languages():
    concepts = thesaurus.concepts()
    assert len(concepts) >= 300
    for concept in concepts:
        assert all(concept.labels[lang] for lang in thesaurus.LANGUAGES), concept.id


def test_plain_words_map_to_concepts():
    def found(q):
        return {e.concept.id for e in thesaurus.expand(q) if e.concept in thesaurus.concepts()}
    assert found("make bread last longer") == {"food-preservation"}  # the phrase, not "bread" inside it
    assert found("bread") == {"cereals-baking"}
    assert found("stronger injection moulds") == {"injection-moulding"}
    assert {"enzymes", "cold-adapted"} <= found("enzymes that work in cold water")
    assert found("低温酶") >= {"enzymes", "cold-adapted"}
    assert found("the quick brown fox") == set()


def test_everyday_words_in_other_languages_map_to_concepts():
    def found(q):
        return {e.concept.id for e in thesaurus.expand(q)}
    assert "adhesives" in found("Kleber für Holz")
    assert "welding" in found("buscamos un soldador")
    assert "cold-chain" in found("冰箱")
    assert "food-preservation" in found("日持ちする和菓子")
    assert "corrosion" in found("la rouille des portails")
    rust = next(c for c in thesaurus.concepts() if c.id == "corrosion")
    assert ("de", "Rost") in rust.everyday and "Rost" in rust.plain


def test_no_everyday_phrase_is_left_one_word_by_the_stop_words_of_some_language():
    # "CE mark" would be "mark" and "EN 71" "71" (ce, en: French stop words), "go off" "go": they would name
    # their concept for any text with that one word.
    shrunk = [(concept.id, phrase) for concept in thesaurus.concepts() for _language, phrase in concept.everyday
              if len(re.findall(r"\w+", phrase)) > 1 and len(thesaurus._words(phrase)) < 2
              and not thesaurus.CJK_RUN.search(phrase)]
    assert shrunk == []


def test_a_german_compound_no_label_spells_names_concepts_through_its_parts():
    def found(q):
        return {e.concept.id for e in thesaurus.expand(q)}
    assert found("Kunststoffrecycling") == {"plastics-recycling"}  # "Recycling von Kunststoffen"
    assert "dairy" in found("Milchtechnologie")  # no label: the concepts of "Milch"
    assert found("Lebensmittelverpackung") >= {"food-packaging"}  # a label as it is: no splitting
    assert found("Kuckucksuhr") == set()  # parts that name nothing name nothing
    # Only one part names a (hand-made) concept: the compound is a kind of it, or about it; but not a short part
    # that a cut in the wrong place makes ("Zahnbürstenh-alter": "Alter" is age).
    assert "irrigation" in found("Tropfbewässerung") and "fire-safety" in found("Brandschutzkonzept")
    assert "maritime" in found("Donaudampfschiff") and found("Zahnbürstenhalter") == set()
    # English words split as well ("repla-cement", "alter-native"), but English text is not German.
    assert found("replacement parts") & {"concrete"} == set() and "ageing" not in found("alternative fuels")


def test_expansions_are_whole_phrases_never_fragments_of_words():
    def names(q):
        return {e.concept.name.casefold() for e in thesaurus.expand(q)}
    found = names("machine learning for crop disease")
    assert "machine learning" in found
    assert not {"machining", "e-learning", "mechanical engineering", "machinery", "education"} & found
    assert "e-learning" in names("e-learning")
    assert names("Batterien") >= {"batteries", "battery"}  # German plural, by the German stem
    assert names("für von de") == set()  # stop words name nothing


def test_the_open_vocabularies_add_concepts_in_other_languages():
    terms = [label.text.casefold() for _named, labels in thesaurus.expansion_groups("corrosion") for label in labels]
    assert "korrosion" in terms and "corrosión" in terms
    assert len(thesaurus.vocabulary()) > 10 * len(thesaurus.concepts())
    found = {c.name.casefold() for c in thesaurus.concepts_in("Maschinelles Lernen in der Produktion")}
    assert found >= {"machine learning"}


def test_each_language_keeps_its_main_label_where_only_some_are_searched():
    corrosion = next(c for c in thesaurus.concepts() if c.id == "corrosion")
    first = corrosion.ranked_terms()[:len(thesaurus.LANGUAGES)]
    assert first == [(corrosion.labels[language][0], language) for language in thesaurus.LANGUAGES]
    assert sorted(term for term, _language in corrosion.ranked_terms()) == sorted(corrosion.terms())
    for _named, labels in thesaurus.expansion_groups("rust"):
        languages = {label.text: label.languages for label in labels}
        assert {"Korrosion", "corrosie", "부식", "腐食"} <= set(languages)
        assert languages["Korrosion"] == ("de",) and languages["부식"] == ("ko",)
        assert len({text.casefold() for text in languages}) == len(labels)  # one spelling of each


def test_a_label_spelled_alike_in_several_languages_is_one_label_in_all_of_them():
    labels = {label.text.casefold(): label.languages for _named, labels in thesaurus.expansion_groups("rust")
              for label in labels}
    assert set(labels["corrosion"]) == {"en", "fr"}


@pytest.fixture
def dutch_and_korean(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "nl-1", "name": "Sanne Visser", "country": "NL", "language": "nl", "interests": ["Kaasrijping"]},
              {"id": "nl-2", "name": "Bram Bos", "country": "NL", "language": "nl", "interests": ["Zuiveltechnologie"]},
              {"id": "ko-1", "name": "김민준", "country": "KR", "interests": ["협동 로봇", "공학 교육"]},
              {"id": "en-1", "name": "Grace Hughes", "country": "GB", "interests": ["Laser welding"]}]
    index.rebuild(with_topics(iter(people)))
    return index


def test_dutch_and_korean_profiles_are_found_from_other_languages(dutch_and_korean):
    def found(text):
        results = dutch_and_korean.search(text, expansions=thesaurus.expansion_groups(text))
        return {expert_id for expert_id, _score in results.hits}

    assert found("Käse") >= {"nl-2"}  # German cheese is dairy: the Dutch label "zuivel" begins "Zuiveltechnologie"
    assert found("robots") == {"ko-1"}
    assert found("lassen") == {"en-1"}  # a Dutch query names welding by its Dutch label


def test_chinese_and_japanese_words_no_concept_spells_are_searched_through_their_english_meanings(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "en-1", "name": "Amelia Hart", "country": "GB", "interests": ["Soundproofing of timber floors"]},
              {"id": "en-2", "name": "Tom Briggs", "country": "GB", "interests": ["Vegetable tanning of leather"]},
              {"id": "zh-1", "name": "王芳", "country": "CN", "interests": ["木结构隔音"]}]
    index.rebuild(with_topics(iter(people)))

    def found(text):
        results = index.search(text, expansions=thesaurus.expansion_groups(text))
        return {expert_id for expert_id, _score in results.hits}

    spelled = {phrase for concept in thesaurus.concepts() for phrase in (*concept.terms(), *concept.plain)}
    assert not spelled & {"隔音", "皮革", "カーテン"}  # no concept knows these words
    assert found("隔音") == {"en-1", "zh-1"}  # the word itself, and its meaning "soundproofing" in English
    assert found("皮革") == {"en-2"}  # Chinese and Japanese "leather"
    assert found("カーテン") == set()  # "curtain": no profile says it in any language


def test_other_words_no_concept_spells_are_searched_through_a_dictionary_both_ways(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "en-1", "name": "Ruth Ames", "country": "GB", "interests": ["Rising damp in old buildings"]},
              {"id": "en-2", "name": "Grace Hughes", "country": "GB", "interests": ["Laser welding"]},
              {"id": "de-1", "name": "Jonas Keller", "country": "DE", "language": "de",
               "interests": ["Behandlung chronischer Wunden"]}]
    index.rebuild(with_topics(iter(people)))

    def found(text):
        return {expert_id for expert_id, _score in index.search(text, expansions=thesaurus.expansion_groups(text)).hits}

    assert not any(thesaurus._query_matcher().groups(text) for text in ("vocht in de kelder", "wound"))  # no concept's
    # Dutch "vocht" means "damp" (FreeDict), which the hand-made concept of damp buildings knows.
    assert found("vocht in de kelder") == {"en-1"}
    assert "building-moisture" in {e.concept.id for e in thesaurus.expand("vocht in de kelder")}
    # English "wound" is the first meaning of German "Wunde" (and French "plaie", Japanese "キズ"...).
    assert found("wound") == {"de-1"}


def test_an_everyday_phrase_names_its_concept_loosely_by_all_its_words_but_one(tmp_path):
    text = "clothes fading in the wash"  # the phrase is "colours fading in the wash"
    assert "textile-care" not in {concept.id for _named, group in thesaurus._query_matcher().groups(text)
                                  for concept, _phrase in group}
    assert "textile-care" in {e.concept.id for e in thesaurus.expand(text)}
    care = next(concept for concept in thesaurus.concepts() if concept.id == "textile-care")
    assert dict(thesaurus._loosely_named(text, ["clothes"])) == {"fading wash": [(care, "fading wash")]}
    assert thesaurus._loosely_named("wash the car", []) == []  # one word of a phrase is not enough
    assert thesaurus._loosely_named("fading of paint on cars after a winter of rain, salt and a wash", []) == []
    assert dict(thesaurus._loosely_named("wash wash fading", [])) == {"wash fading": [(care, "wash fading")]}
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "en-1", "name": "Ruth Ames", "country": "GB", "interests": ["Commercial laundering"]},
              {"id": "en-2", "name": "Grace Hughes", "country": "GB", "interests": ["Laser welding"]}]
    index.rebuild(with_topics(iter(people)))
    assert [hit.expert_id for hit in index.search(text, expansions=thesaurus.expansion_groups(text)).hits] == ["en-1"]


def test_a_label_finds_the_parts_of_a_compound_but_not_the_compounds_it_is_a_fragment_of(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.rebuild(with_topics(iter([
        {"id": "de-1", "name": "Jonas Keller", "country": "DE", "language": "de",
         "interests": ["Kreislaufwirtschaft in der Modeindustrie"]},
        {"id": "de-2", "name": "Lena Vogt", "country": "DE", "language": "de",
         "interests": ["Recycling von Kunststoffen"]},
        {"id": "en-1", "name": "Amy Ward", "country": "GB", "interests": ["Family firms"]}])))

    def found(text, label):  # what the words find (not the experts on the topics they share, which follow)
        results = index.search(text, expansions=[(text, [querying.Label(label, ("de",))])])
        return {hit.expert_id for hit in results.hits if hit.expert_id not in results.alike}
    assert found("company", "Wirtschaft") == set()  # "Wirtschaft" (a label of "company") is not circular economy
    assert found("Wirtschaft", "Ökonomie") == {"de-1"}  # the firm's own word finds the compounds it heads
    assert found("plastic reuse", "Kunststoffrecycling") == {"de-2"}  # the label's parts, as the profile has them


def test_a_dictionary_s_meanings_are_searched_only_where_the_firm_s_own_word_finds_few_profiles(tmp_path):
    german = {"id": "de-1", "name": "Jonas Keller", "country": "DE", "language": "de",
              "interests": ["Behandlung chronischer Wunden"]}
    groups = thesaurus.expansion_groups("wound")
    assert {label.text for _words, labels in groups for label in labels} >= {"Wunde"}
    few = SearchIndex(tmp_path / "few")
    few.rebuild(with_topics(iter([german, {"id": "en-1", "name": "Amy Ward", "country": "GB",
                                           "interests": ["Wound healing"]}])))
    assert [hit.expert_id for hit in few.search("wound", expansions=groups).hits] == ["en-1", "de-1"]  # own first
    many = SearchIndex(tmp_path / "many")
    english = [{"id": f"en-{n}", "name": f"Amy Ward {n}", "country": "GB", "interests": ["Wound healing"]}
               for n in range(querying.FEW)]
    many.rebuild(with_topics(iter([german, *english])))
    assert "de-1" not in {hit.expert_id for hit in many.search("wound", expansions=groups).hits}


@pytest.mark.parametrize("rows", [[], [("only", "1")], [("apple", "1"), ("apple", "2"), ("apples", "3"),
                                                         ("bär", "4"), ("bär tatze", "5"), ("zebra", "6")],
                                  [(f"k{n:03}", str(n)) for n in range(200)] + [("k050", "again")]])
def test_a_sorted_table_finds_every_key_by_bisection_and_no_other(tmp_path, rows):
    rows = sorted(rows, key=lambda row: row[0].encode())
    lines = "".join(f"{key}\t{value}\tx\n" for key, value in rows)
    for end in ("", "zy no tab\n", "zz last line without a newline\tz"):  # a last line: odd, yet read as it is
        path = tmp_path / "table.tsv"
        path.write_text("# about\n# columns\n" + lines + end, encoding="utf-8")
        table = thesaurus.SortedTable(path)
        for key in dict.fromkeys(key for key, _value in rows):
            assert table.rows(key) == [[value, "x"] for k, value in rows if k == key]
        for missing in ("", "#", "# about", "aardvark", "appl", "applet", "b", "bärtatze", "zebras", "k0505", "\uffff"):
            assert table.rows(missing) == []
    assert table.rows("zz last line without a newline") == [["z"]]


@pytest.mark.parametrize("name", ["european", "english"])
def test_the_shipped_dictionaries_are_sorted_and_keyed_as_their_lookups_need(name):
    table = thesaurus._dictionary(name)
    lines = table.data[table.first:].decode("utf-8").splitlines()
    keys = [line.split("\t", 1)[0] for line in lines]
    assert len(keys) > 100_000 and keys == sorted(keys, key=str.encode)
    # Keyed by today's stems (a new stemmer or stop word list would need the files made again)
    for line in lines[::997]:
        key, word, *_rest = line.split("\t")
        if name == "european":
            language, stems = key.split(":")
            assert stems == " ".join(thesaurus._stem(language, w) for w in thesaurus._words(word)), line
    assert "ĳ" not in table.data[:].decode("utf-8")  # Dutch "ij" as two letters, as firms type it


def test_a_word_s_own_entry_comes_before_those_it_shares_stems_with():
    assert thesaurus._meanings(["keller"], ["de"])[1][0].text == "cellar"  # not a "Kelle", a trowel
    first, labels = thesaurus._meanings(["herida"], ["pt", "es"])  # told as Portuguese, yet Spanish
    assert "wound" in {label.text for label in labels} and "ivy" not in {label.text for label in labels}
    assert thesaurus._meanings(["table"], ["fr", "en"])[1][0].languages != ("en",)  # not itself, "table"
    assert thesaurus._translated("a\tb\nc", []) == []  # letters alone are not looked up
    assert [named for named, _group in thesaurus._translated("Wunde 接着剤", [])] == ["wunde"]


def test_the_site_searches_a_dictionary_s_meanings_and_says_from_which_word(fill, client):
    fill([{"name": "Ruth Ames", "country": "GB", "interests": ["Rising damp in old buildings"]},
          {"name": "Jonas Keller", "country": "DE", "interests": ["Behandlung chronischer Wunden"]}])
    body = client.get("/api/v1/search", query_string={"q": "wound"}).get_json()
    assert [r["name"] for r in body["results"]] == ["Jonas Keller"]
    body = client.get("/api/v1/search", query_string={"q": "vocht in de kelder"}).get_json()
    assert [r["name"] for r in body["results"]] == ["Ruth Ames"]
    assert {(e["topic"], e["matched"]) for e in body["expansions"]} == {("building-moisture", "vocht")}
    fill([{"name": "Eva de Vries", "country": "NL", "interests": ["Vocht en zout in metselwerk"]}])
    body = client.get("/api/v1/search", query_string={"q": "vocht in de kelder"}).get_json()
    assert [r["name"] for r in body["results"]] == ["Eva de Vries", "Ruth Ames"]  # the firm's own word first
    assert {(e["topic"], e["matched"]) for e in body["expansions"]} == {("building-moisture", "vocht")}
    fill([{"name": f"Eva de Vries {n}", "country": "NL", "interests": ["Vocht en zout in metselwerk"]}
          for n in range(querying.FEW)])
    body = client.get("/api/v1/search", query_string={"q": "vocht in de kelder", "per_page": 50}).get_json()
    # The firm's own word finds a page of profiles: its meaning "damp" is not searched, nor said to have been.
    # (Ruth Ames is still found, by meaning, and says so: sentences.)
    assert [r["why"] for r in body["results"] if r["name"] == "Ruth Ames"] == [
        [{"interest": "Rising damp in old buildings", "concept": None, "near": True}]]
    assert body["expansions"] == []
    assert client.get("/api/v1/search", query_string={"q": "wound", "expand": "0"}).get_json()["total"] == 0


def test_a_word_is_looked_up_in_each_language_it_may_be_in():
    assert {"es", "pt"} <= set(languages.likely_languages("madera"))  # told as Portuguese, yet Spanish "wood"
    assert languages.likely_languages("Rückenschmerzen")[0] == "de"
    assert languages.likely_languages("1234 --") == []


def test_warming_reads_what_a_first_search_would():
    read = (thesaurus._query_matcher, thesaurus._meaning_matcher, thesaurus._loose_phrases, thesaurus._label_words,
            thesaurus._glossary, thesaurus._dictionary, languages._identifier)
    for remembered in read:
        remembered.cache_clear()
    thesaurus.warm()
    assert [remembered.cache_info().currsize for remembered in read] == [1, 1, 1, 1, 1, 2, 1]


def test_japanese_grammar_and_a_dictionary_s_stray_senses_are_not_searched():
    places = dict(thesaurus.expansion_groups("接着剤について知りたい"))
    assert list(places) == ["接着剤"]  # adhesives; "について" and "したい" are grammar (したい is also 死体)
    assert "Polish" not in {label.text for _w, labels in thesaurus.expansion_groups("研磨") for label in labels}
    assert "data science" not in {label.text for _w, labels in thesaurus.expansion_groups("材料") for label in labels}


def test_an_english_meaning_names_concepts_only_by_their_english_words():
    labels = {label.text for _words, labels in thesaurus.expansion_groups("怎么办") for label in labels}
    assert "data science" not in labels  # "what's to be done": "done" is not French "données"


def test_profiles_are_tagged_with_topics_from_their_interests():
    assert thesaurus.topics_of(["Spritzgießen", "食品保鲜"]) == ["food-preservation", "injection-moulding"]
    assert thesaurus.topics_of(["cold"]) == []  # everyday words tag queries, not profiles


@pytest.fixture
def demo_app(app, runner):
    result = runner("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return app


def test_recall_at_10_of_plain_language_queries_stays_above_the_floor(demo_app, client):
    recalls = {}
    for query, expected in RECALL_QUERIES.items():
        body = client.get("/api/v1/search", query_string={"q": query, "per_page": 10}).get_json()
        found = {r["name"] for r in body["results"]}
        recalls[query] = len(found & expected) / len(expected)
    mean = sum(recalls.values()) / len(recalls)
    assert mean >= RECALL_FLOOR, recalls


def test_expansions_are_shown_and_can_be_switched_off(demo_app, client):
    body = client.get("/api/v1/search", query_string={"q": "stronger injection moulds"}).get_json()
    assert [e["topic"] for e in body["expansions"]] == ["injection-moulding"]
    assert "Spritzgießen" in body["expansions"][0]["terms"]
    assert "Katrin Müller" in {r["name"] for r in body["results"]}
    plain = client.get("/api/v1/search", query_string={"q": "stronger injection moulds", "expand": "0"}).get_json()
    assert plain["expansions"] == [] and "Katrin Müller" not in {r["name"] for r in plain["results"]}
    page = client.get("/search", query_string={"q": "stronger injection moulds"}).get_data(as_text=True)
    assert "Also searched" in page and "expand=0" in page


def test_topic_facet_and_filter(demo_app, client):
    body = client.get("/api/v1/search", query_string={"q": ""}).get_json()
    assert body["facets"]["topic"]["injection-moulding"] >= 3
    only = client.get("/api/v1/search", query_string={"topic": "injection-moulding"}).get_json()
    assert only["total"] == body["facets"]["topic"]["injection-moulding"]
    assert client.get("/api/v1/search", query_string={"topic": "nope"}).status_code == 400


def test_a_misspelt_search_suggests_a_respelling(demo_app, client):
    body = client.get("/api/v1/search", query_string={"q": "enzmyes", "expand": "0"}).get_json()
    assert body["total"] == 0 and body["did_you_mean"] == "enzymes"
    page = client.get("/search", query_string={"q": "enzmyes", "expand": "0"}).get_data(as_text=True)
    assert "Did you mean" in page and "q=enzymes" in page
    assert client.get("/api/v1/search", query_string={"q": "enzymes"}).get_json()["did_you_mean"] is None


def test_the_site_lists_experts_on_the_topics_of_few_matches_below_them_and_says_so(fill, client):
    fill([{"name": "Ana Ruiz", "country": "ES",
           "interests": ["Crevice chemistry of duplex steels", "Corrosion protection"]},
          {"name": "Jonas Keller", "country": "DE", "interests": ["Korrosionsschutz"]},
          {"name": "Ray Cole", "country": "GB", "interests": ["Laser welding"]}])
    body = client.get("/api/v1/search", query_string={"q": "crevice"}).get_json()
    assert [(r["name"], r["alike"]) for r in body["results"]] == [("Ana Ruiz", None), ("Jonas Keller", "corrosion")]
    assert body["results"][1]["why"] == [{"interest": "Korrosionsschutz", "concept": "corrosion"}]
    assert (body["total"], body["alike_total"]) == (2, 1)
    page = client.get("/search", query_string={"q": "crevice"}).get_data(as_text=True)
    assert "1 expert\n" in page or "1 expert " in page
    assert "After it, 1 more on the same topics." in page
    assert "Not a match for your words: works on corrosion" in page
    page = client.get("/search", query_string={"q": "crevice", "country": "DE"}).get_data(as_text=True)
    assert "None here holds your words, but 1\n      works on the topics of the experts elsewhere who do" in page
    assert "Jonas Keller" in page
    widget = client.get("/embed/results", query_string={"q": "crevice"}).get_data(as_text=True)
    assert "Not a match for the words: works on corrosion, as the matches do" in widget
    assert "1 in all, and 1 on the same topics" in widget


def test_a_short_word_names_a_longer_label_word_of_its_stem_only_as_a_form_of_it():
    assert "ageing" not in {e.concept.id for e in thesaurus.expand("alte Batterien") if not e.fallback}
    assert not thesaurus._near_form("alt", "altern") and thesaurus._near_form("coat", "coatings")
    assert thesaurus._near_form("batterie", "batterien") and thesaurus._near_form("öl", "öle")
    assert "batteries" in {e.concept.id for e in thesaurus.expand("alte Batterien")}
