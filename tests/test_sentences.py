"""Interests near a firm's words in meaning (directory.search.sentences), with the real sentence encoder and real
indexes: what they find, where they rank, and how the vectors kept beside the index follow its commits."""
import json
import logging
import os

import numpy as np
import pytest

from directory.search import SearchIndex, sentences

PEOPLE = [{"id": "bread", "name": "Ann Lee", "country": "GB", "language": "en",
           "interests": ["Starch retrogradation and staling of bread"]},
          {"id": "rust", "name": "Bo Chan", "country": "GB", "language": "en",
           "interests": ["Corrosion of offshore steel structures"]},
          {"id": "moulds", "name": "Cy Dow", "country": "DE", "language": "en",
           "interests": ["Injection moulding of thermoplastics"]},
          {"id": "steel", "name": "Di Eze", "country": "GB", "language": "en",
           "interests": ["Rust on oil rigs: inspection robots"]},
          {"id": "joints", "name": "Ed Fox", "country": "FR", "language": "fr",
           "interests": ["Collage structural des composites"]}]


@pytest.fixture
def index(tmp_path):
    built = SearchIndex(tmp_path / "index")
    built.rebuild(iter(PEOPLE))
    return built


def kept_files(folder):
    return [name for name in os.listdir(folder) if name == sentences.LISTED or sentences.VECTORS.fullmatch(name)]


def found(index, text, **more):
    return [hit.expert_id for hit in index.search(text, by_meaning=True, **more).hits]


@pytest.mark.parametrize(("text", "expert"), [("gluing carbon fibre parts together", "joints"),
                                              ("Stahl im Meerwasser rostet", "rust"), ("海上平台的钢结构锈蚀", "rust"),
                                              ("鋼の腐食", "rust")])
def test_words_sharing_nothing_with_an_interest_find_it_by_meaning_in_any_language(index, text, expert):
    assert index.search(text).total == 0  # no word, stem or label in common
    assert found(index, text)[0] == expert


def test_a_sentence_near_nothing_finds_nothing(index):
    assert found(index, "what will the weather be like tomorrow") == []


def test_an_interest_holding_the_firm_s_words_ranks_above_one_near_them_in_meaning(index):
    index.update([{"id": "hulls", "name": "Gil Ho", "country": "GB", "interests": ["Rust on ship hulls"]}])
    assert "rust" not in [hit.expert_id for hit in index.search("rust on ship hulls").hits]
    ranked = index.search("rust on ship hulls", by_meaning=True).hits
    assert ranked[0].expert_id == "hulls" and "rust" in [hit.expert_id for hit in ranked]  # by meaning
    assert max(score for expert, score in ranked if expert == "rust") < ranked[0].score


def test_a_search_within_a_country_takes_the_interests_near_its_words_that_are_held_there(tmp_path):
    english = ["Bread staling", "Stale bread and starch", "Bread freshness", "Keeping bread fresh",
               "Mould growth on bread",
               "Bread texture during storage", "Shelf-life extension of bread", "Bread crumb firmness during storage",
               "Staling of bread and cakes", "Sourdough bread quality", "Starch retrogradation and staling of bread"]
    index = SearchIndex(tmp_path / "index")
    index.rebuild([{"id": f"gb{n}", "name": f"Al Bo{n}", "country": "GB", "language": "en", "interests": [interest]}
                   for n, interest in enumerate(english)]
                  + [{"id": "jp", "name": "Aoi Sato", "country": "JP", "language": "ja",
                      "interests": ["パンの品質保持"]},
                     {"id": "hidden", "name": "Ko Ito", "country": "JP", "language": "ja", "may_have_left": True,
                      "interests": ["パンの老化とデンプンの再結晶"]}])
    words = "our bread goes stale too fast"
    assert "パンの品質保持" not in index.search(words, by_meaning=True).near  # the ten nearest of all are English
    within = index.search(words, by_meaning=True, country="JP")
    assert [hit.expert_id for hit in within.hits] == ["jp"] and within.near == {"パンの品質保持"}


def test_the_words_moved_towards_the_interests_nearest_them_find_those_interests_in_other_languages(tmp_path,
                                                                                                       monkeypatch):
    index = SearchIndex(tmp_path / "index")
    index.rebuild([{"id": expert, "name": f"Al Bo{n}", "country": country, "interests": [interest]}
                   for n, (expert, country, interest) in enumerate([
                       ("back", "JP", "腰痛予防と作業姿勢"),
                       ("joints", "DE", "Muskel-Skelett-Erkrankungen am Arbeitsplatz"),
                       ("rust", "GB", "Corrosion of offshore steel structures"),
                       ("moulds", "DE", "Spritzgießen von Thermoplasten")])])
    words = "back pain among our warehouse staff"
    assert index.search(words).total == 0  # no word in common
    moved = found(index, words)
    with monkeypatch.context() as unmoved:
        unmoved.setattr(sentences, "FED_BACK_CLOSE", float("inf"))  # the words' own vector only
        assert found(index, words) == ["back"]
    assert moved[:2] == ["back", "joints"] and "rust" not in moved and "moulds" not in moved
    monkeypatch.setattr(sentences, "MOVED_AMONG", 1)  # the moved vector's nearest among the one nearest the words
    assert found(index, words) == ["back"]


def test_many_interests_are_encoded_in_several_processes_as_in_one(monkeypatch):
    monkeypatch.setattr(sentences, "ENCODED_APART", 2)
    texts = [sentences.kept_as(i) for person in PEOPLE for i in person["interests"]]
    assert np.allclose(sentences.encode_many(texts, procs=2), sentences.encode(texts), atol=1e-6)


def test_interests_that_cannot_be_encoded_apart_are_encoded_in_one_process(monkeypatch, caplog):
    monkeypatch.setattr(sentences, "ENCODED_APART", 2)

    def cannot_fork(method):
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(sentences.multiprocessing, "get_context", cannot_fork)
    texts = [sentences.kept_as(i) for person in PEOPLE for i in person["interests"]]
    assert np.allclose(sentences.encode_many(texts, procs=2), sentences.encode(texts), atol=1e-6)
    assert "encoding in one" in caplog.text


WALLS = "we can hear the neighbours through the walls"  # "walls" alone in the interests below: tied by words


def walls_index(tmp_path, monkeypatch, people):
    """An index of ``people`` (id, name, interests), searched with the meaning's share of the rank alone: no
    interests near the words are searched."""
    index = SearchIndex(tmp_path / "index")
    index.rebuild([{"id": expert, "name": name, "country": "GB", "interests": interests}
                   for expert, name, interests in people])
    monkeypatch.setattr(sentences, "nearest", lambda *args, **kwargs: [])
    return index


def scored(index, monkeypatch, share):
    """The hits of WALLS by meaning with MEANING_SHARE at ``share``."""
    import directory.search

    monkeypatch.setattr(directory.search, "MEANING_SHARE", share)
    return index.search(WALLS, by_meaning=True).hits


def test_among_the_best_matches_of_the_words_the_one_meaning_what_the_firm_wrote_ranks_first(tmp_path, monkeypatch):
    import directory.search

    share = directory.search.MEANING_SHARE
    index = walls_index(tmp_path, monkeypatch, [("damp", "Al Bo", ["Damp walls"]),
                                                ("sound", "Cy Do", ["Soundproof walls"]),
                                                ("bread", "Ed Fo", ["Bread staling"])])
    tied = scored(index, monkeypatch, 0.0)
    assert [hit.expert_id for hit in tied] == ["damp", "sound"] and tied[0].score == tied[1].score  # "walls" alone
    ranked = scored(index, monkeypatch, share)
    assert [hit.expert_id for hit in ranked] == ["sound", "damp"] and ranked[0].score > ranked[1].score
    assert [hit.expert_id for hit in index.search(WALLS).hits] == ["damp", "sound"]  # only by meaning


def test_a_match_with_no_interest_kept_as_a_vector_counts_as_the_others_mean(tmp_path, monkeypatch):
    import directory.search

    share = directory.search.MEANING_SHARE
    index = walls_index(tmp_path, monkeypatch, [("damp", "Al Bo", ["Damp walls"]),
                                                ("sound", "Cy Do", ["Soundproof walls"]),
                                                ("named", "Ann Walls", [])])  # found by her name
    by_words = {hit.expert_id: hit.score for hit in scored(index, monkeypatch, 0.0)}
    again = {hit.expert_id: hit.score for hit in scored(index, monkeypatch, share)}
    cosines = sentences.closeness(os.path.realpath(index.path), WALLS, ["damp walls", "soundproof walls"])
    assert set(again) == {"damp", "sound", "named"} and len(cosines) == 2
    assert again["named"] - by_words["named"] == pytest.approx(
        share * max(by_words.values()) * sum(cosines.values()) / 2)


def test_pages_of_a_search_ranked_again_by_meaning_follow_one_another(tmp_path, monkeypatch):
    topics = ["Damp walls", "Painted walls", "Cracked walls", "Soundproof walls"]  # the words alone tie them all
    index = walls_index(tmp_path, monkeypatch, [(f"p{n}", f"Al Bo{n}", [topics[n % len(topics)]])
                                                for n in range(30)])
    hits = index.search(WALLS, by_meaning=True, per_page=30).hits
    whole = [hit.expert_id for hit in hits]
    assert set(whole[:5]) == {"p3", "p7", "p11", "p15", "p19"}  # the soundproof walls among the first twenty
    assert whole[20:] == [f"p{n}" for n in range(20, 30)]  # the rest as the words rank them (all tied)
    assert all(higher.score >= lower.score for higher, lower in zip(hits, hits[1:]))
    assert [hit.expert_id for page in range(1, 31)
            for hit in index.search(WALLS, by_meaning=True, page=page, per_page=1).hits] == whole


def test_the_filters_hold_for_interests_found_by_meaning(index):
    assert found(index, "plastic parts shaped in a tool", country="GB") == []
    assert found(index, "plastic parts shaped in a tool", country="DE") == ["moulds"]


def test_the_vectors_follow_each_commit_and_each_interest_is_encoded_once(index, monkeypatch):
    folder = os.path.realpath(index.path)
    assert sorted(sentences.read(folder)[1]) == sorted(
        sentences.kept_as(i) for person in PEOPLE for i in person["interests"])
    encoded = []
    real = sentences.encode
    monkeypatch.setattr(sentences, "encode", lambda texts: encoded.extend(texts) or real(texts))
    index.update([{"id": "pipes", "name": "Fay Gu", "country": "ES", "language": "es",
                   "interests": ["Soldadura de tuberías", "Corrosion of offshore steel structures"]}])
    assert encoded == ["soldadura de tuberías"]  # the other one is kept already
    vectors, listed = sentences.read(folder)
    assert {"soldadura de tuberías", "collage structural des composites"} <= set(listed)
    row = listed.index("corrosion of offshore steel structures")
    assert np.allclose(vectors[row], real(["corrosion of offshore steel structures"])[0], atol=1e-5)
    assert found(index, "管道焊接")[0] == "pipes"
    encoded.clear()
    index.rebuild(iter(PEOPLE))  # a new index, its vectors carried over from the one it replaces
    assert encoded == [] and sorted(sentences.read(os.path.realpath(index.path))[1]) == sorted(
        sentences.kept_as(i) for person in PEOPLE for i in person["interests"])
    assert len(kept_files(os.path.realpath(index.path))) == 2  # the list and one vectors file


def test_the_interests_kept_are_those_most_profiles_hold(tmp_path, monkeypatch):
    monkeypatch.setattr(sentences, "MOST_INTERESTS", 2)
    index = SearchIndex(tmp_path / "index")
    index.rebuild(iter([{"id": f"p{n}", "name": "A Person", "country": "GB", "interests": interests}
                        for n, interests in enumerate([["Glass"], ["Glass", "Steel"], ["Steel"], ["Wood"]])]))
    assert sorted(sentences.read(os.path.realpath(index.path))[1]) == ["glass", "steel"]
    index.update([{"id": "new", "name": "A Person", "country": "GB", "interests": ["Clay"]}])
    assert sorted(sentences.read(os.path.realpath(index.path))[1]) == ["glass", "steel"]  # no room left


def test_an_erasure_takes_the_interests_only_its_person_held_out_of_the_vectors(index):
    folder = os.path.realpath(index.path)
    index.update([{"id": "twin", "name": "Gil Ho", "country": "GB",
                   "interests": ["Injection moulding of thermoplastics"]}])
    assert ("starch retrogradation and staling of bread"
            in [interest for interest, _closeness in sentences.nearest(folder, "bread that stays fresh")])
    index.update([], deleted_ids=["bread", "moulds"], purge=True)
    kept = sentences.read(folder)[1]
    assert "starch retrogradation and staling of bread" not in kept  # no one else held it
    assert "injection moulding of thermoplastics" in kept  # Gil Ho still does
    assert "starch retrogradation and staling of bread" not in open(os.path.join(folder, sentences.LISTED)).read()
    assert "bread" not in found(index, "bread that stays fresh")


def test_a_commit_that_cannot_write_the_vectors_removes_them(index, monkeypatch, caplog):
    folder = os.path.realpath(index.path)
    monkeypatch.setattr(sentences, "encode", lambda texts: 1 / 0)
    with caplog.at_level(logging.WARNING):
        index.update([{"id": "pipes", "name": "Fay Gu", "country": "ES", "interests": ["Soldadura de tuberías"]}])
    assert "could not keep the interests' vectors" in caplog.text
    assert sentences.read(folder) is None and not kept_files(folder)
    assert found(index, "offshore corrosion") == ["rust"]  # the words still search


def test_a_list_that_cannot_be_written_leaves_no_vectors_and_no_hidden_file(index, monkeypatch):
    folder = os.path.realpath(index.path)
    before = sentences.read(folder)[1]
    real = sentences.write_whole
    def failing(path, write_to):
        return real(path, write_to) if path.name != sentences.LISTED else real(path, lambda handle: 1 / 0)
    monkeypatch.setattr(sentences, "write_whole", failing)
    index.update([{"id": "pipes", "name": "Fay Gu", "country": "ES", "interests": ["Soldadura de tuberías"]}])
    monkeypatch.setattr(sentences, "write_whole", real)
    assert sentences.read(folder) is None and not kept_files(folder)
    index.update([{"id": "pipes", "name": "Fay Gu", "country": "ES", "interests": ["Soldadura de tuberías"]}])
    assert sorted(sentences.read(folder)[1]) == sorted([*before, "soldadura de tuberías"])
    assert not [name for name in os.listdir(folder) if name.startswith(".")]  # no hidden file left behind


@pytest.mark.parametrize("damage", ["list", "name", "shape", "empty"])
def test_damaged_vectors_leave_the_words_searching_alone(index, damage, caplog):
    folder = os.path.realpath(index.path)
    listed = json.loads(open(os.path.join(folder, sentences.LISTED), encoding="utf-8").read())
    vectors = os.path.join(folder, listed["vectors"])
    if damage == "list":
        open(os.path.join(folder, sentences.LISTED), "w").write("[[")
    elif damage == "name":
        open(os.path.join(folder, sentences.LISTED), "w").write(json.dumps({**listed, "vectors": "../../x.npy"}))
    elif damage == "shape":  # the real vectors and one more row: a list that does not say which is which
        real = np.load(vectors)
        np.save(vectors, np.vstack([real, real[:1]]))
    else:
        open(vectors, "w").close()
    sentences._kept.cache_clear()
    with caplog.at_level(logging.WARNING):
        assert found(index, "海上平台的钢结构锈蚀") == []
        assert found(index, "offshore corrosion") == ["rust"]
    assert "damaged" in caplog.text


def test_a_query_the_encoder_cannot_take_is_searched_by_its_words(index, monkeypatch, caplog):
    monkeypatch.setattr(sentences, "_query_vector", lambda text: 1 / 0)
    with caplog.at_level(logging.WARNING):
        assert found(index, "offshore corrosion") == ["rust"]
    assert "could not encode a query" in caplog.text


def test_an_index_written_before_the_vectors_searches_by_words(index):
    folder = os.path.realpath(index.path)
    sentences.forget(folder)
    assert found(index, "offshore corrosion") == ["rust"]
    index.update([{"id": "pipes", "name": "Fay Gu", "country": "CN", "interests": ["Welding of pipelines"]}])
    assert found(index, "海上平台的钢结构锈蚀")[0] == "rust"  # the next commit writes them all


def test_the_site_and_the_api_say_an_interest_is_near_the_words_in_meaning_and_only_my_words_leaves_it_out(client,
                                                                                                           fill):
    fill([{"name": "Ivy Jo", "country": "IT", "language": "it", "interests": ["Restauro di manoscritti medievali"],
           "profile_url": "https://uni.example/ivy"},
          *({"name": person["name"], "country": person["country"], "interests": person["interests"],
             "profile_url": f"https://uni.example/{person['id']}"} for person in PEOPLE)])
    words = "old handwritten books falling apart"
    def said(**args):
        return client.get("/api/v1/search", query_string={"q": words, **args}).get_json()
    found = said()
    assert [result["name"] for result in found["results"]] == ["Ivy Jo"]
    assert found["results"][0]["why"] == [{"interest": "Restauro di manoscritti medievali", "concept": None,
                                           "near": True}]
    assert said(expand="0")["total"] == 0
    page = client.get("/search", query_string={"q": words}).get_data(as_text=True)
    result = page.split("Ivy Jo")[1].split("</article>")[0]
    assert "near your words in meaning" in result and "<mark>" not in result


def test_the_embed_widget_shows_the_interest_near_the_words_first_and_says_so(client, fill):
    fill([{"name": "Ivy Jo", "country": "IT", "language": "it", "profile_url": "https://uni.example/ivy",
           "interests": ["Didattica della matematica", "Economia regionale", "Statistica ufficiale",
                         "Teoria dei giochi", "Restauro di manoscritti medievali"]}])
    widget = client.get("/embed/results", query_string={"q": "old handwritten books falling apart"})
    shown = widget.get_data(as_text=True).split("Ivy Jo")[1].split("</li>")[0]
    assert shown.index('medievali <span lang="en">(near your words in meaning)</span>') < shown.index("Didattica")
    assert sum(interest in shown for interest in ("Didattica", "Economia", "Statistica", "Teoria")) == 3  # 4 of 5
