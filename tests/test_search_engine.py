"""The fast query path (set operations on posting blocks) against Whoosh's own, one document at a time."""
import os
import random
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query
from whoosh import writing as whoosh_writing
from whoosh.analysis import CompositeAnalyzer
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.filestore import FileStorage

import directory.search as search_package
from directory import countries, thesaurus
from directory.demo.profiles import profiles
from directory.indexer import with_topics
from directory.search import (
    COVERAGE,
    MOST_LABELS,
    PHRASE_BONUS,
    SearchIndex,
    common_terms,
    keep_beside,
    querying,
    writer_memory,
)
from directory.search import facts as facts_module
from directory.search.analysis import (
    cognate_analyzer,
    cognate_key,
    language_analyzer,
    pairs_analyzer,
    words_analyzer,
)
from directory.search.facts import leaf_readers
from directory.search.fields import WORDS, document, schema
from directory.search.internals import (
    WHOOSH_OWN,
    TermPostingPool,
    doc_frequencies,
    is_spelling,
    posting_arrays,
    write_faster,
)
from directory.search.querying import Label

PEOPLE = list(with_topics(profiles(1500, seed=7)))
BY_ID = {p["id"]: p for p in PEOPLE}
SEARCHES = [("enzymes", {}), ("food preservation", {"country": "GB"}), ("machine learning", {"region": "asia"}),
            ("solar energy", {"country": "DE"}), ("corrosion", {}), ("water", {"region": "eu"}),
            ("robots AND NOT learning", {}), ("cold enzymes", {"expand": True}),
            ("injection moulding", {"expand": True, "country": "CN"}), ("battery recycling", {"expand": True}),
            ("enzymes that work in cold water", {"expand": True}), ("CRM systems", {"country": "GB"}), ("IAQ", {})]


def by_count(counter):
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


@pytest.fixture(scope="module")
def one_segment(tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("one") / "index")
    index.rebuild(iter(PEOPLE))
    return index


@pytest.fixture(scope="module")
def many_segments(tmp_path_factory):
    """The same profiles added in batches, as incremental updates leave an index."""
    index = SearchIndex(tmp_path_factory.mktemp("many") / "index")
    for start in range(0, len(PEOPLE), 400):
        index.update(PEOPLE[start:start + 400])
    return index


def expansions(text):
    """Thesaurus phrases for ``text``, as the site adds them."""
    return thesaurus.expansion_groups(text)


def fast(index, text, expand=False, **filters):
    return index.search(text, expansions=expansions(text) if expand else (), **filters)


def side_by_side(interests):
    """The pairs of neighbouring words (as the index analyses them) in each of ``interests``."""
    pairs = set()
    for interest in interests:
        words = [token.text for token in WORDS(interest)]
        pairs.update(zip(words, words[1:]))
    return pairs


def whoosh_own(index, text, country=None, region=None, expand=False):
    """The same search through Whoosh's collector and a Python count over the profiles: the reference."""
    searcher = index.searcher()
    q, parts = index.query(text, expansions(text) if expand else ())
    docs = {n: BY_ID[searcher.stored_fields(n)["id"]] for n in searcher.docs_for_query(q)}
    # Ranking's coverage: each score times 1 - c + c x the share of the query's parts the document matches.
    part_docs = [set(searcher.docs_for_query(part)) for part in parts]
    covered = {n: (1 - COVERAGE + COVERAGE * sum(n in d for d in part_docs) / len(parts)) if len(parts) > 1 else 1
               for n in docs}
    # And the phrase bonus: times 1 + b x the share of the query's adjacent word pairs that one of the
    # profile's interests holds side by side (read here from the profile, not the index).
    pairs = [tuple(phrase.text.split()) for phrase in querying.phrases(text)]
    for n in covered:
        if pairs:
            held = side_by_side(docs[n]["interests"])
            covered[n] *= 1 + PHRASE_BONUS * sum(pair in held for pair in pairs) / len(pairs)
    in_place = {n for n, p in docs.items() if (not country or p["country"] == country)
                and (not region or p["country"] in countries.countries_in(region))}
    # Whoosh's matcher, one document at a time. (Its collector, searcher.search, was seen to leave out
    # the best match of "enzymes" here, with or without its block-skipping optimisation.) Scores are
    # compared loosely: the fast path adds up in another order, so they can differ in the last digits.
    scored, matcher = [], q.matcher(searcher)
    while matcher.is_active():
        if matcher.id() in in_place:
            scored.append((-matcher.score() * covered[matcher.id()], matcher.id()))
        matcher.next()
    hits = [(docs[n]["id"], -score) for score, n in sorted(scored)[:20]]
    by_topic = Counter(topic for n in in_place for topic in docs[n]["topics"])
    return hits, len(in_place), by_count(Counter(p["country"] for p in docs.values())), by_count(by_topic)


@pytest.mark.parametrize("text, filters", SEARCHES)
def test_the_fast_path_finds_ranks_and_counts_what_whoosh_itself_does(one_segment, text, filters):
    found = fast(one_segment, text, per_page=20, **filters)
    hits, total, by_country, by_topic = whoosh_own(one_segment, text, **filters)
    assert found.total - found.alike_total == total > 0  # (the experts alike, that follow few, are not Whoosh's)
    found.hits = [hit for hit in found.hits if hit.expert_id not in found.alike]
    assert [score for _i, score in found.hits] == pytest.approx([score for _i, score in hits], rel=1e-6)
    above = hits[-1][1] * (1 + 1e-6)  # documents tied with the last one may be cut either way
    assert {i for i, score in found.hits if score > above} == {i for i, score in hits if score > above}
    assert found.facets["country"] == by_country and found.facets["topic"] == by_topic


@pytest.mark.parametrize("text, filters", SEARCHES)
def test_answers_do_not_depend_on_how_the_index_is_split_into_segments(one_segment, many_segments, text, filters):
    # (Whoosh's own coordination bonus does: it counts terms per segment, so it is not the reference here.)
    one, many = fast(one_segment, text, per_page=50, **filters), fast(many_segments, text, per_page=50, **filters)
    assert (many.total, many.facets) == (one.total, one.facets)
    assert [i for i, _ in many.hits] == [i for i, _ in one.hits]


@pytest.fixture(scope="module")
def kept_decoded(tmp_path_factory):
    """The same profiles in one segment and in batches, with the postings of every term that 30 documents of a
    segment hold kept decoded beside it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common_terms, "COMMON", 30)
        patch.setattr(common_terms, "COMMON_IN", {"whole_interest": 5})  # interests near the words, searched whole
        one = SearchIndex(tmp_path_factory.mktemp("kept-one") / "index")
        one.rebuild(iter(PEOPLE))
        many = SearchIndex(tmp_path_factory.mktemp("kept-many") / "index")
        for start in range(0, len(PEOPLE), 400):
            many.update(PEOPLE[start:start + 400])
    return one, many


def live_segments(index):
    return {reader.segment().segment_id() for reader, _offset in leaf_readers(index.searcher())}


@pytest.mark.parametrize("text, filters", SEARCHES)
def test_common_terms_kept_decoded_give_the_answers_of_decoding_them(one_segment, many_segments, kept_decoded, text,
                                                                     filters):
    for decoding, kept in zip((one_segment, many_segments), kept_decoded):
        assert all(facts.common for facts, _offset in kept._facts(kept.searcher()).parts)  # they are read
        found, expected = fast(kept, text, per_page=50, **filters), fast(decoding, text, per_page=50, **filters)
        assert (found.total, found.facets) == (expected.total, expected.facets)
        assert [i for i, _ in found.hits] == [i for i, _ in expected.hits]
        assert [s for _, s in found.hits] == pytest.approx([s for _, s in expected.hits], rel=1e-9)


@pytest.mark.parametrize("text, filters", SEARCHES)
def test_scoring_through_one_array_over_the_index_gives_the_scores_of_sorting(many_segments, monkeypatch, text,
                                                                              filters):
    answers = []
    for share in (float("inf"), 0):  # never, and always, through one array
        monkeypatch.setattr(facts_module, "DENSE_SHARE", share)
        found = fast(many_segments, text, per_page=50, **{"expand": True, **filters})
        answers.append((found.total, found.facets, found.hits))
    assert answers[0] == answers[1] and answers[0][0]


def test_whole_interests_kept_decoded_from_fewer_holders_give_the_answers_of_decoding_them(one_segment,
                                                                                          kept_decoded):
    kept = kept_decoded[0]
    segments = kept._facts(kept.searcher()).parts
    assert any(field == "whole_interest" for facts, _ in segments for field, _text in facts.common)
    searched = set()
    for text in ("keeping food fresh for longer", "Enzyme für kaltes Wasser", "robots that pick fruit"):
        found, expected = (index.search(text, by_meaning=True, per_page=50) for index in (kept, one_segment))
        assert found.near and found.near == expected.near
        assert (found.total, found.hits) == (expected.total, expected.hits)
        searched |= {("whole_interest", interest) for interest in found.near}
    assert any(key in facts.common for facts, _ in segments for key in searched)  # kept ones were searched


def test_kept_postings_go_with_their_segment_and_damaged_ones_are_decoded_instead(kept_decoded, tmp_path):
    _one, many = kept_decoded
    folder = Path(os.path.realpath(many.path))
    kept = {name.split(".")[0] for name in os.listdir(folder) if name.endswith(common_terms.TERMS)}
    assert kept == live_segments(many)  # merged-away segments' files were deleted with theirs
    shutil.copytree(folder, tmp_path / "copy")
    damaged = SearchIndex(tmp_path / "copy")
    for name in os.listdir(tmp_path / "copy"):
        if name.endswith(common_terms.IDS):
            (tmp_path / "copy" / name).write_bytes(b"not an array")
    assert not any(facts.common for facts, _offset in damaged._facts(damaged.searcher()).parts)
    found, expected = fast(damaged, "research projects"), fast(many, "research projects")
    assert found.total == expected.total > 0 and [i for i, _ in found.hits] == [i for i, _ in expected.hits]


def test_kept_postings_that_cannot_be_written_leave_a_working_index_and_are_read_once_written(tmp_path, monkeypatch,
                                                                                              caplog):
    monkeypatch.setattr(common_terms, "COMMON", 30)
    with monkeypatch.context() as failing:
        failing.setattr(common_terms, "write", lambda *args: (_ for _ in ()).throw(OSError(28, "No space left")))
        index = SearchIndex(tmp_path / "index")
        index.rebuild(iter(PEOPLE[:600]))
    assert "No space left" in caplog.text
    before = fast(index, "research projects")
    assert before.total > 0 and not any(facts.common for facts, _ in index._facts(index.searcher()).parts)
    keep_beside(os.path.realpath(index.path))  # as the next commit does
    index.update(PEOPLE[600:610])  # a new view of the index looks again
    kept = [facts.common for facts, _ in index._facts(index.searcher()).parts]
    assert None not in kept and kept[0]  # read for the first segment now; the small new one has no common term
    after = fast(index, "research projects")
    assert after.total == before.total + sum("research" in " ".join(p["interests"]).lower() for p in PEOPLE[600:610])


def test_kept_postings_of_the_wrong_shape_are_decoded_instead(tmp_path, monkeypatch):
    monkeypatch.setattr(common_terms, "COMMON", 30)
    index = SearchIndex(tmp_path / "index")
    index.rebuild(iter(PEOPLE[:600]))
    expected = fast(index, "research projects")
    folder = Path(os.path.realpath(index.path))
    for name in os.listdir(folder):
        if name.endswith(common_terms.TERMS):
            (folder / name).write_text('{"interests": {"research": {"start": 1}}}')
    damaged = SearchIndex(tmp_path / "index")
    assert not any(facts.common for facts, _ in damaged._facts(damaged.searcher()).parts)
    assert [i for i, _ in fast(damaged, "research projects").hits] == [i for i, _ in expected.hits]


def test_interests_word_pairs_are_terms_and_an_interest_without_words_is_no_trouble(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.rebuild(iter([{"id": "gb-1", "name": "Ann Lee", "country": "GB",
                         "interests": ["of the", "\u2014", "Recycling", "Battery recycling of cars"]}]))
    assert sorted(term.decode() for term in index.searcher().lexicon("pairs")) == ["batteri recycl", "recycl car"]
    assert index.search("battery recycling").total == 1


def test_replaced_and_deleted_profiles_are_gone_from_results_and_counts(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.update(PEOPLE[:800])
    index.update(PEOPLE[800:])
    before = index.search("energy", per_page=2000)
    gone = {i for i, _ in before.hits[:30]}
    renamed = [{**BY_ID[i], "interests": ["pottery glazes"]} for i, _ in before.hits[30:40]]
    index.update(renamed, deleted_ids=sorted(gone))
    after = index.search("energy", per_page=2000)
    assert after.total == before.total - 40 == sum(after.facets["country"].values())
    assert not ({i for i, _ in after.hits} & (gone | {p["id"] for p in renamed}))
    assert index.search("pottery").total == 10


def test_facets_leave_out_their_own_filter_and_an_institution_narrows_the_results(one_segment):
    everywhere = one_segment.search("energy")
    in_germany = one_segment.search("energy", country="DE")
    assert in_germany.facets["country"] == everywhere.facets["country"]  # France still shows its count
    assert in_germany.total == everywhere.facets["country"]["DE"]
    assert sum(in_germany.facets["institution"].values()) == in_germany.total
    topic = next(iter(in_germany.facets["topic"]))
    narrowed = one_segment.search("energy", country="DE", topic=topic)
    assert narrowed.total == in_germany.facets["topic"][topic]
    assert all(topic in BY_ID[i]["topics"] for i, _ in narrowed.hits)
    place = next(iter(in_germany.facets["institution"]))
    there = one_segment.search("energy", country="DE", institution=place)
    assert there.total == in_germany.facets["institution"][place]
    assert {BY_ID[i]["institution"] for i, _ in there.hits} == {place}


def test_boolean_words_are_plain_words(many_segments):
    assert many_segments.search("robots AND NOT (learning OR") .total == many_segments.search("robots learning").total


def test_sorting_by_recency_and_browsing_without_words(one_segment):
    newest = one_segment.search("", sort="recent", per_page=5)
    assert newest.total == len(PEOPLE)
    assert newest.facets["country"] == by_count(Counter(p["country"] for p in PEOPLE))
    assert newest.facets["topic"] == by_count(Counter(t for p in PEOPLE for t in p["topics"]))
    most = by_count(Counter(p["institution"] for p in PEOPLE))
    assert list(newest.facets["institution"].items()) == list(most.items())[:len(newest.facets["institution"])]
    assert len(newest.hits) == 5 and one_segment.search("", page=300, per_page=5).hits


def test_a_rebuild_in_two_processes_gives_the_same_answers(tmp_path, one_segment):
    index = SearchIndex(tmp_path / "index")
    assert index.rebuild(iter(PEOPLE), procs=2) == len(PEOPLE)
    for text, filters in SEARCHES:
        a, b = fast(index, text, **filters), fast(one_segment, text, **filters)
        assert (a.total, a.facets) == (b.total, b.facets)
        assert [round(score, 6) for _, score in a.hits] == [round(score, 6) for _, score in b.hits]
        if a.total <= 20:  # the whole answer is on the page; beyond it, equal scores may come in either order
            assert {i for i, _ in a.hits} == {i for i, _ in b.hits}


def test_a_query_shape_the_block_scorer_does_not_know_falls_back_to_whoosh(one_segment):
    searcher = one_segment.searcher()
    facts = one_segment._facts(searcher)
    q = query.Not(query.Term("interests", "enzym"))
    allowed = np.zeros(facts.size, dtype=bool)
    allowed[:10] = True
    assert len(facts.ranked(searcher, q, allowed, 5)) == 5


def test_an_incremental_update_reads_only_the_new_segment_again(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.rebuild(iter(PEOPLE[:1000]))
    index.search("energy")
    big = dict(index._segment_facts)
    kept = set(index._kept._recent)
    index.update(PEOPLE[1000:1100])
    assert index.search("energy").total > 0
    assert all(index._segment_facts[segment] is facts for segment, facts in big.items())
    new_keys = set(index._kept._recent) - kept
    assert new_keys and not {segment for segment, _field, _text in new_keys} & set(big)


def test_uk_nations_are_regions_where_the_university_is_known(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [("e1", "GB", "a.b@ed.ac.uk", None), ("e2", "GB", None, "https://www.strath.ac.uk/staff/x"),
              ("e3", "GB", "c@cardiff.ac.uk", None), ("e4", "GB", "d@ucl.ac.uk", None),
              ("e5", "GB", "e@gmail.com", None), ("e6", "IE", "f@tcd.ie", None)]
    index.rebuild({"id": i, "name": "Ann Person", "interests": ["glass"], "country": c, "email": e,
                   "profile_url": u} for i, c, e, u in people)
    def ids(**f):
        return sorted(i for i, _ in index.search("glass", **f).hits)
    assert ids(region="scotland") == ["e1", "e2"]
    assert ids(region="wales") == ["e3"]
    assert ids(region="england") == ["e4"]  # a UK university no other nation lists
    assert ids(region="northern-ireland") == []
    regions = index.search("glass").facets["region"]
    assert (regions["scotland"], regions["wales"], regions["england"], regions["europe"]) == (2, 1, 1, 6)


def test_threads_searching_at_once_get_the_same_answers_as_one_at_a_time(many_segments):
    # Whoosh's readers share one file position: each thread must read through its own searcher.
    from concurrent.futures import ThreadPoolExecutor

    words = sorted({w for p in PEOPLE[:200] for phrase in p["interests"][:2] for w in phrase.split()[:1]})[:60]
    expected = {w: (lambda r: (r.total, r.hits))(SearchIndex(many_segments.path).search(w)) for w in words}
    fresh = SearchIndex(many_segments.path)  # cold: every thread decodes postings at the same time
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda w: (w, fresh.search(w)), words * 3))
    assert all((r.total, r.hits) == expected[w] for w, r in found)


def test_sorting_by_date_puts_the_newest_of_all_matches_first_across_segments(tmp_path):
    rng = random.Random(4)
    people = [{**p, "last_verified": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00+00:00"}
              for p in PEOPLE[:600]]
    dates = {p["id"]: p["last_verified"] for p in people}
    index = SearchIndex(tmp_path / "index")
    for start in range(0, len(people), 200):  # three segments
        index.update(people[start:start + 200])
    for text in ("energy", ""):
        every = [i for i, _ in index.search(text, per_page=1000).hits]
        newest = sorted((dates[i] for i in every), reverse=True)
        first, second = (index.search(text, sort="recent", per_page=30, page=page) for page in (1, 2))
        assert [dates[i] for i, _ in first.hits + second.hits] == newest[:60]
        assert first.total == len(every) and not {i for i, _ in first.hits} & {i for i, _ in second.hits}


def test_pages_of_equally_good_matches_continue_each_other(tmp_path):
    twins = [{**PEOPLE[0], "id": f"twin{n:03d}", "interests": ["glass ceramics"]} for n in range(95)]
    index = SearchIndex(tmp_path / "index")
    index.update(twins)
    pages = [[i for i, _ in index.search("glass", per_page=10, page=page).hits] for page in range(1, 11)]
    seen = [i for hits in pages for i in hits]
    assert len(seen) == len(set(seen)) == len(twins)
    newest = [[i for i, _ in index.search("", sort="recent", per_page=10, page=page).hits] for page in range(1, 11)]
    assert len({i for hits in newest for i in hits}) == len(twins)


def test_remembered_results_are_kept_from_their_second_use_and_dropped_when_the_index_changes(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.update(PEOPLE[:50])
    made = []

    def make(key):
        return lambda: made.append(key) or len(made)

    first = [index.remembered(("once", n), make(n)) for n in range(1000)]  # searches made once each
    assert first == list(range(1, 1001))
    popular = [index.remembered("popular", make("popular")) for _ in range(3)]
    assert popular[1] == popular[2] != popular[0]  # made on the first two uses, then remembered
    for n in range(1000, 3000):  # many more one-off searches do not push the popular one out
        index.remembered(("once", n), make(n))
    assert index.remembered("popular", make("popular")) == popular[2]
    index.update(PEOPLE[50:60])
    assert index.remembered("popular", make("popular")) != popular[2]  # a new index version starts afresh


def test_a_label_no_profile_holds_takes_no_room_among_the_labels_searched(tmp_path):
    index = SearchIndex(tmp_path / "index")
    held = [f"held{n}" for n in range(MOST_LABELS + 2)]
    index.rebuild([{"id": word, "name": "A Person", "country": "GB", "interests": [word]} for word in held])
    absent = tuple(f"absent{n}" for n in range(MOST_LABELS))
    labels = tuple(Label(word, ("en",)) for word in absent + tuple(held))
    found = index.search("plain", per_page=50, expansions=(("plain", labels),))
    assert {expert_id for expert_id, _score in found.hits} == set(held[:MOST_LABELS])  # the first that are held


def test_a_place_s_labels_count_as_their_best_so_the_firm_s_other_word_wins(tmp_path, monkeypatch):
    index = SearchIndex(tmp_path / "index")
    index.rebuild([{"id": "labels", "name": "A Person", "country": "GB", "language": "en",
                    "interests": ["Gerontology", "Healthy ageing", "Ageing"]},
                   {"id": "beer", "name": "A Person", "country": "GB", "language": "en", "interests": ["Beer"]},
                   {"id": "one", "name": "A Person", "country": "GB", "language": "en", "interests": ["Ageing"]},
                   *({"id": f"p{n}", "name": "A Person", "country": "GB", "language": "en",
                      "interests": ["Soil science"]} for n in range(20))])
    labels = tuple(Label(text, ("en",)) for text in ("ageing", "gerontology", "healthy ageing"))
    found = dict(index.search("beer old", expansions=(("old", labels),)).hits)
    assert found["beer"] > found["labels"] > found["one"]
    monkeypatch.setattr(querying, "best_of", querying.weighted)  # as it was: every label held adding up
    summed = dict(index.search("beer old", per_page=11, expansions=(("old", labels),)).hits)
    assert summed["labels"] > 1.5 * summed["beer"]


def test_whoosh_s_best_of_matcher_scores_each_document_by_its_own_best_part(one_segment):
    searcher = one_segment.searcher()
    subqueries = [query.Term("interests", text.decode())
                  for _count, text in searcher.reader().most_frequent_terms("interests", 2)]
    apart = [dict(searcher.search(sub, limit=None).items()) for sub in subqueries]
    matcher, scored = query.DisjunctionMax(subqueries).matcher(searcher), {}
    while matcher.is_active():
        scored[matcher.id()] = matcher.score()
        matcher.next()
    assert scored and scored == pytest.approx(
        {n: max(part.get(n, 0.0) for part in apart) for n in set(apart[0]) | set(apart[1])})


def test_a_profile_on_a_topic_the_query_names_ranks_higher(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.rebuild(with_topics(iter([{"id": "forming", "name": "A Person", "country": "GB", "language": "en",
                                     "interests": ["Metal forming"]},
                                    {"id": "rust", "name": "A Person", "country": "GB", "language": "en",
                                     "interests": ["Metal corrosion"]}])))
    def scores(**more):
        return dict(index.search("metal", **more).hits)
    assert scores()["forming"] == pytest.approx(scores()["rust"])  # the same words, as often
    on_topic = scores(concepts=("corrosion",))
    assert on_topic["rust"] > on_topic["forming"] == pytest.approx(scores()["forming"])


@pytest.mark.parametrize("make", [words_analyzer, lambda: language_analyzer("de")])
def test_remembered_analysis_gives_the_chain_s_own_terms_and_positions(make):
    remembering = make()
    chain = CompositeAnalyzer(*remembering.items)  # the same tokenizer and filters, nothing remembered
    texts = ["Professor ; Battery recycling ; Department of the Built Environment",
             "the ; of and ; für die Werkzeugbau für Kunststoffe ; ; de la Recherche",
             "Recycling von Kunststoffen ; Recycling von Kunststoffen ; 3D printing", "", " ; ", "a ; b ; ok"]
    for _ in range(2):  # the second time from what was remembered
        for text in texts:
            for options in ({"positions": True, "mode": "index"}, {"mode": "index"}, {"no_morph": True}):
                assert ([(t.text, t.pos if options.get("positions") else None) for t in remembering(text, **options)]
                        == [(t.text, t.pos if options.get("positions") else None) for t in chain(text, **options)])


@pytest.mark.parametrize("make", [pairs_analyzer, cognate_analyzer])  # (fields that keep no positions)
def test_remembered_word_pairs_and_cognate_keys_are_the_chain_s_within_each_interest(make):
    remembering = make()
    chain = CompositeAnalyzer(*remembering.items)
    for _ in range(2):  # the second time from what was remembered
        for text in ["Professor ; Battery recycling of the cells ; Department of the Built Environment",
                     "Photokatalyse ; Recycling von Kunststoffen ; Recycling von Kunststoffen", "", " ; ", "a ; b"]:
            for options in ({"mode": "index"}, {"no_morph": True}):
                assert [token.text for token in remembering(text, **options)] == [
                    token.text for piece in text.split(";") for token in chain(piece, **options)]


def test_every_term_s_postings_decode_to_what_whoosh_s_matcher_reads(one_segment, many_segments):
    for index in (one_segment, many_segments):
        for reader, _offset in leaf_readers(index.searcher()):
            for fieldname in reader.indexed_field_names():
                for text in reader.lexicon(fieldname):
                    text = text.decode()
                    matcher, ids, weights = reader.postings(fieldname, text), [], []
                    while matcher.is_active():
                        ids.append(matcher.id())
                        weights.append(matcher.weight())
                        matcher.next()
                    found = posting_arrays(reader, fieldname, text)
                    deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else set()
                    kept = [n for n, number in enumerate(found[0]) if number not in deleted]
                    assert found[0][kept].tolist() == ids and found[1][kept].tolist() == weights, (fieldname, text)
                assert posting_arrays(reader, fieldname, "no such term")[0].size == 0
            assert posting_arrays(reader, "no_such_field", "metal")[0].size == 0


def test_each_term_s_document_frequency_is_whoosh_s(one_segment, many_segments):
    for index in (one_segment, many_segments):
        with index._open().reader() as reader:
            for fieldname in ("whole_interest", "interests", "country"):
                assert doc_frequencies(reader, fieldname) == {
                    text: info.doc_frequency() for text, info in reader.iter_field(fieldname)}
            assert doc_frequencies(reader, "no_such_field") == {}


def segment_files(folder, limitmb, monkeypatch, whoosh_s=False):
    """The terms and postings files Whoosh writes, as it is or made faster, for PEOPLE added in two commits, the
    second merging the first's segment into its own (those postings come from a reader): {extension: [bytes]}."""
    write_faster()
    if whoosh_s:
        monkeypatch.setattr(whoosh_writing, "PostingPool", WHOOSH_OWN["PostingPool"])
        whoosh_s_add = WHOOSH_OWN["PostingPool"].add

        def add(pool, posting):  # each spelling word once a segment, as the faster pool keeps them
            spelled = vars(pool).setdefault("spelled", set())
            if is_spelling(posting):
                if posting[:2] in spelled:
                    return
                spelled.add(posting[:2])
            whoosh_s_add(pool, posting)

        monkeypatch.setattr(WHOOSH_OWN["PostingPool"], "add", add)
        for name in ("doc_field_length", "_cached_reader"):
            monkeypatch.setattr(W3PerDocReader, name, WHOOSH_OWN[name])
    folder.mkdir()
    ix = whoosh_index.create_in(folder, schema())
    files = {}
    for people, optimize in ((PEOPLE[:1200], False), (PEOPLE[1200:], True)):
        writer = ix.writer(limitmb=limitmb, compound=False)
        for person in people:
            writer.add_document(**document(person))
        writer.commit(optimize=optimize)
        for path in folder.iterdir():
            if path.suffix in (".trm", ".pst"):
                files.setdefault(path.suffix, []).append(path.read_bytes())
    return files


@pytest.mark.parametrize("limitmb", [1, 64])  # 1: postings past the limit go to sorted runs on disk
def test_the_faster_writer_writes_the_very_files_whoosh_writes(tmp_path, monkeypatch, limitmb):
    runs = []
    monkeypatch.setattr(TermPostingPool, "_add_run", lambda pool, path: (runs.append(path), pool.runs.append(path)))
    ours = segment_files(tmp_path / "ours", limitmb, monkeypatch)
    with monkeypatch.context() as whoosh_s:
        own = segment_files(tmp_path / "whoosh", limitmb, whoosh_s, whoosh_s=True)
    assert own == ours and len(own[".pst"]) == 2  # the first segment, then the merged one
    assert bool(runs) == (limitmb == 1)


def test_each_spelling_word_kept_once_a_segment_respells_as_all_of_them_did(tmp_path, monkeypatch):
    words = sorted({word for person in PEOPLE for interest in person["interests"] for word in interest.split()
                    if len(word) > 6 and word.isalpha()})
    misspelt = [word[:2] + word[3] + word[2] + word[4:] for word in words[::7]]  # two letters swapped
    gone = [person["id"] for person in PEOPLE[::3]]

    def respellings(index):
        before = [index.suggest(word) for word in misspelt]
        index.update([], deleted_ids=gone, purge=True)  # an erasure's purge merges the segments it touches
        return before, [index.suggest(word) for word in misspelt]

    ours = SearchIndex(tmp_path / "ours" / "index")
    for start in range(0, len(PEOPLE), 500):
        ours.update(PEOPLE[start:start + 500])
    with monkeypatch.context() as whoosh_s:
        whoosh_s.setattr(whoosh_writing, "PostingPool", WHOOSH_OWN["PostingPool"])
        whoosh_s.setattr(search_package, "write_faster", lambda: None)  # Whoosh's pool, every posting kept
        own = SearchIndex(tmp_path / "whoosh" / "index")
        for start in range(0, len(PEOPLE), 500):
            own.update(PEOPLE[start:start + 500])
        with own._open().reader() as reader:
            assert max(doc_frequencies(reader, "spell_interests").values()) > 3  # a posting a profile
        whoosh_s_respellings = respellings(own)
    with ours._open().reader() as reader:
        assert max(doc_frequencies(reader, "spell_interests").values()) <= 3  # once in each of the three segments
    assert respellings(ours) == whoosh_s_respellings and any(whoosh_s_respellings[0])


def test_a_rebuild_s_writers_hold_a_quarter_of_the_machine_s_memory_from_256_mb_to_2_gb_each(monkeypatch):
    def machine(gigabytes):  # (a machine's memory is the one thing here that cannot be varied for real)
        monkeypatch.setattr(os, "sysconf", lambda name: {"SC_PAGE_SIZE": 4096,
                                                         "SC_PHYS_PAGES": gigabytes * 2**30 // 4096}[name])

    machine(8)
    assert [writer_memory(procs) for procs in (1, 2, 4, 64)] == [2048, 1024, 512, 256]
    machine(64)
    assert writer_memory(2) == 2048
    monkeypatch.setattr(os, "sysconf", lambda name: (_ for _ in ()).throw(ValueError(name)))  # no answer
    assert writer_memory(2) == 256


def test_a_term_s_postings_added_out_of_order_come_out_in_order(tmp_path):
    pool = TermPostingPool(FileStorage(str(tmp_path)), None)
    pool.limit = 20_000  # bytes: some runs on disk
    rng = random.Random(3)
    postings = [(field, term, docnum, rng.choice((1, 1.0, 2.5)), b"v%d" % rng.randrange(3))
                for field in ("a", "b") for term in (b"x", b"y", b"z") for docnum in rng.sample(range(50_000), 900)]
    postings += [("spell", b"w", 0, 1, b"v%d" % rng.randrange(3)) for _ in range(300)]  # a spelling word's
    rng.shuffle(postings)
    for posting in postings:
        pool.add(posting)
    assert len(pool.runs) > 3  # runs on disk, to be merged

    def typed(postings):  # a weight of 1 stays an int: Whoosh writes it as it is
        return [(*posting, type(posting[3])) for posting in postings]

    spelled = next(posting for posting in postings if posting[0] == "spell")  # kept once, in any run
    assert typed(pool.items()) == typed(sorted([p for p in postings if p[0] != "spell"] + [spelled]))
    path, f = pool._new_run()  # and the runs Whoosh's own multiprocess writer writes and reads
    pool._write_run(f, sorted(postings))
    assert typed(pool._read_run(path)) == typed(sorted(postings))


def test_a_field_s_lengths_read_whole_are_whoosh_s_lengths(one_segment):
    whoosh_s = WHOOSH_OWN["doc_field_length"]  # one byte from the file at a time
    for reader, _offset in leaf_readers(one_segment.searcher()):
        perdoc, numbers = reader._perdoc, range(reader.doc_count_all() + 1)  # one past the last: no length
        # pairs: a few without any (None); cjk: no one's (no lengths kept: 0); country: not a text (0)
        for fieldname in ("interests", "name", "pairs", "cjk", "country"):
            lengths = [perdoc.doc_field_length(n, fieldname) for n in numbers]
            assert lengths == [whoosh_s(perdoc, n, fieldname) for n in numbers]
            assert None in lengths[:-1] if fieldname == "pairs" else True
        with pytest.raises(IndexError):
            perdoc.doc_field_length(len(numbers), "interests")


def test_cognates_share_a_key_and_short_or_non_latin_words_have_none():
    for words in (("kosmetik", "cosmetique", "cosmetica", "cosmetics"), ("zement", "cement", "cemento"),
                  ("irrigacion", "irrigation", "irrigazione", "irrigatie"), ("therapie", "terapia", "therapy")):
        assert len({cognate_key(word) for word in words}) == 1, words
    assert cognate_key("kosmetik") != cognate_key("komposit")
    assert [cognate_key(word) for word in ("wood", "salt", "电池のリ", "3dprint", "co2")] == [None] * 5


def test_a_cognate_key_most_of_a_large_index_shares_is_left_out_but_the_word_itself_still_matches(tmp_path,
                                                                                                   monkeypatch):
    index = SearchIndex(tmp_path / "index")
    index.rebuild(iter([{"id": "de-1", "name": "Uwe Kranz", "country": "DE", "interests": ["Kosmetische Emulsionen"]},
                        {"id": "de-2", "name": "Eva Roth", "country": "DE", "interests": ["Kosmetikchemie"]},
                        {"id": "gb-1", "name": "Tom Briggs", "country": "GB", "interests": ["Cosmetic emulsions"]}]))
    assert {expert_id for expert_id, _ in index.search("cosmetics").hits} == {"de-1", "de-2", "gb-1"}
    monkeypatch.setattr("directory.search.facts.COMMON_SHARE", 0.5)  # as if the index were large and
    monkeypatch.setattr("directory.search.facts.COMMON_FLOOR", 1)  # "cosme" in most of it
    index = SearchIndex(tmp_path / "index")  # a new searcher: what was pruned is remembered per index version
    assert {expert_id for expert_id, _ in index.search("cosmetics").hits} == {"gb-1"}


def test_few_matches_are_followed_by_the_profiles_on_the_topics_they_share(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "pit", "name": "Ana Ruiz", "country": "ES", "interests": ["Crevice chemistry of duplex steels",
                                                                              "Corrosion protection"]},
              {"id": "de-1", "name": "Jonas Keller", "country": "DE", "interests": ["Korrosionsschutz"]},
              {"id": "gb-1", "name": "Amy Ward", "country": "GB", "interests": ["Marine corrosion"]},
              {"id": "weld", "name": "Ray Cole", "country": "GB", "interests": ["Laser welding"]}]
    index.rebuild(with_topics(iter(people)))
    found = index.search("crevice")
    assert [hit.expert_id for hit in found.hits][0] == "pit"  # the firm's word first
    assert set(found.alike) == {"de-1", "gb-1"} == {hit.expert_id for hit in found.hits[1:]}
    assert set(found.alike.values()) == {"corrosion"} and (found.total, found.alike_total) == (3, 2)
    assert max(hit.score for hit in found.hits[1:]) < found.hits[0].score
    assert [hit.expert_id for hit in index.search("crevice", country="GB").hits] == ["gb-1"]  # within the filters
    # The words' own matches are the same on every page, and those alike continue them
    pages = [index.search("crevice", page=page, per_page=1) for page in (1, 2, 3, 4)]
    assert [hit.expert_id for page in pages for hit in page.hits] == [hit.expert_id for hit in found.hits]
    assert {page.total for page in pages} == {3}
    assert index.search("crevice", sort="recent").alike == {}  # by date: only what the words find
    many = SearchIndex(tmp_path / "many")
    many.rebuild(with_topics(iter(people + [{"id": f"p{n}", "name": f"Ana Ruiz {n}", "country": "ES",
                                             "interests": ["Crevice chemistry of duplex steels"]}
                                            for n in range(querying.FEW)])))
    assert many.search("crevice", per_page=50).alike == {}  # a page of matches needs no more


def test_a_query_s_kana_and_hangul_are_found_inside_longer_words_and_a_learned_prefix_s_word_meets(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "ja", "name": "Sato Yui", "country": "JP", "interests": ["ウェアラブルセンサー"]},
              {"id": "ko", "name": "Kim Min", "country": "KR", "interests": ["제품디자인 연구"]},
              {"id": "de", "name": "Jonas Keller", "country": "DE", "interests": ["Photokatalytischer Abbau"]},
              {"id": "en", "name": "Amy Ward", "country": "GB", "interests": ["Surfactant science"]}]
    index.rebuild(iter(people))
    words = {hit.expert_id for hit in index.search("センサ").hits if hit.expert_id not in index.search("センサ").alike}
    assert words == {"ja"}  # and its closing long vowel mark either way
    assert {hit.expert_id for hit in index.search("디자인").hits} == {"ko"}
    assert {hit.expert_id for hit in index.search("catalysis").hits} == {"de"}  # "Photo-" + "katalytisch"
    found = index.search("biosurfactants")  # the word after the prefix, below the word itself
    assert {hit.expert_id for hit in found.hits} == {"en"} and not found.alike


def test_experts_alike_keep_to_the_filters_the_visible_and_below_the_lowest_match_there(tmp_path):
    index = SearchIndex(tmp_path / "index")
    people = [{"id": "gb-1", "name": "Amy Ward", "country": "GB", "interests": ["Crevice chemistry", "Corrosion"]},
              {"id": "gb-2", "name": "Bo Chan", "country": "GB", "interests": ["Crevice chemistry of welds"]},
              {"id": "de-1", "name": "Jonas Keller", "country": "DE", "interests": ["Crevice chemistry",
                                                                                  "Korrosionsschutz"]},
              {"id": "de-2", "name": "Eva Roth", "country": "DE", "interests": ["Korrosion von Stahl"]},
              {"id": "de-3", "name": "Ida Berg", "country": "DE", "interests": ["Korrosion im Meer"],
               "may_have_left": True},
              {"id": "de-4", "name": "Lena Wolf", "country": "DE", "interests": ["Laserschweißen"]}]
    index.rebuild(with_topics(iter(people)))
    found = index.search("crevice", country="DE")
    assert [hit.expert_id for hit in found.hits] == ["de-1", "de-2"]  # not the hidden one, nor off the topic
    assert found.alike == {"de-2": "corrosion"} and found.hits[1].score < found.hits[0].score
    assert "de-3" in {hit.expert_id for hit in index.search("crevice", country="DE", hide=False).hits}
    assert index.search("crevice", country="FR").total == 0
