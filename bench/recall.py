"""Search quality: recall@10 and MRR of a few hundred firms' queries over a generated department corpus in ten
languages, imported through `directory import` as if extraction were perfect.

Three sets, each a corpus and queries with their rules (which topics make an expert relevant, and for
cross-language queries a country whose departments write another language), written before any tuning:
- A: the corpus of bench/corpus.py and bench/data/recall_queries.json, split by topic into a tuning half and a
  held-out half (the held-out half was read query by query only after set B had been measured);
- B: bench/data/set-b/, 41 other topics and their queries, written by an engineer who had read neither the
  search nor its vocabulary; measured first as a whole, then used for tuning (once set C existed);
- C (blind): bench/data/set-c/, 34 more topics written the same way, never to be read query by query: its
  figures are the forecast for firms' queries on topics nobody here has tuned for;
- D (blind): bench/data/set-d/, 32 more topics and 270 queries, written the same way once C had been measured
  for a fifth session's changes, kept as blind as C;
- E (blind): bench/data/set-e/, 32 more topics and 270 queries, written the same way while the sentence encoder
  was being built, and measured only once it was done.
Each variant switches one part off for the whole run to show what it is worth: the analysis variants for
indexing and searching alike, the others (cognate keys and the glossary among them) for searching only.
"""
import json
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

from bench.corpus import generate
from directory import thesaurus
from directory.search import sentences
from directory.search.analysis import (
    STEMMED_LANGUAGES,
    cjk_analyzer,
    cognate_analyzer,
    language_analyzer,
    words_analyzer,
)
from directory.search.fields import SEARCH_FIELDS
from directory.search.querying import weighted

DATA = Path(__file__).resolve().parent / "data"
CLASSES = ("keyword", "plain", "cross-language")

FIELDS, QUERYING = "directory.search.fields.", "directory.search.querying."
# Variant name -> (patches applied while it runs: [(target, replacement)], thesaurus expansion on or off).
VARIANTS = {
    "everything": ([], True),
    "without the vocabulary": ([], False),
    "hand-made topics only (no open vocabularies)": ([("directory.thesaurus.VOCABULARIES", ())], True),
    "without stop words": ([(FIELDS + "WORDS", words_analyzer(stop=False)), (FIELDS + "CJK", cjk_analyzer(stop=False)),
                            (FIELDS + "COGNATES", cognate_analyzer(stop=False)),
                            (FIELDS + "LANGUAGE_WORDS", {language: language_analyzer(language, stop=False)
                                                         for language in STEMMED_LANGUAGES})], True),
    "without stemming": ([(FIELDS + "WORDS", words_analyzer(stem=False)),
                          (FIELDS + "LANGUAGE_WORDS", {language: language_analyzer(language, stem=False)
                                                       for language in STEMMED_LANGUAGES})], True),
    "without German and Dutch compounds": ([(QUERYING + "COMPOUNDING", ()), ("directory.thesaurus.COMPOUNDING", ())],
                                           True),
    "without everyday words in other languages than English": ([("directory.thesaurus.PLAIN_LANGUAGES", ())], True),
    "without Dutch and Korean labels": ([("directory.thesaurus.LANGUAGES",
                                          ("en", "de", "fr", "es", "pt", "it", "zh", "ja"))], True),
    "without cognate keys": ([(FIELDS + "SEARCH_FIELDS", {name: boost for name, boost in SEARCH_FIELDS.items()
                                                          if name != "cognate"})], True),
    "without the Chinese and Japanese glossary": ([("directory.thesaurus._glossary",
                                                    lambda: thesaurus.Glossary({}, 0))], True),
    "without the European dictionaries (FreeDict, both ways)": ([("directory.thesaurus._translated",
                                                                   lambda query, named: [])], True),
    "without everyday phrases held loosely (all their words but one, in any order)": (
        [("directory.thesaurus._loosely_named", lambda query, named: [])], True),
    "without the experts alike (few matches followed by those on the topics they share)": (
        [("directory.search.facts.ALIKE_SHARE", float("inf"))], True),
    "without the sentence encoder (interests near the words in meaning)": (
        [("directory.search.sentences.nearest", lambda folder, text, held=None: []),
         ("directory.search.MEANING_SHARE", 0.0)], True),
    "without the feedback (the words' vector moved towards the interests nearest it)": (
        [("directory.search.sentences.FED_BACK_CLOSE", float("inf"))], True),
    "one closeness within the filters as without": (
        [("directory.search.sentences.CLOSE_WITHIN", sentences.CLOSE)], True),
    "without the meaning's share of the rank (the best matches ranked again by their interests' meaning)": (
        [("directory.search.MEANING_SHARE", 0.0)], True),
    "without the phrase bonus": ([("directory.search.PHRASE_BONUS", 0.0)], True),
    "without the coverage bonus": ([("directory.search.COVERAGE", 0.0)], True),
    "without the topic bonus": ([("directory.search.TOPIC_BONUS", 0.0)], True),
    "every label of a place adding up, not its best": ([(QUERYING + "best_of", weighted)], True),
    "CJK as characters and pairs (no dictionary)": ([(FIELDS + "CJK", cjk_analyzer(dictionary=False))], True),
}


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))

# The variants measured on sets B and C too (each run imports the corpus again: about half a minute).
WRITTEN_SETS_VARIANTS = ("everything", "without the vocabulary", "hand-made topics only (no open vocabularies)",
                         "without cognate keys", "without the Chinese and Japanese glossary",
                         "without the European dictionaries (FreeDict, both ways)",
                         "without the experts alike (few matches followed by those on the topics they share)",
                         "without the sentence encoder (interests near the words in meaning)",
                         "without the feedback (the words' vector moved towards the interests nearest it)",
                         "one closeness within the filters as without",
                         "without the meaning's share of the rank (the best matches ranked again by their interests' "
                         "meaning)")
assert set(WRITTEN_SETS_VARIANTS) <= set(VARIANTS)


def world(folder):
    """A written set's corpus (folder/corpus.json and departments.json), shaped as bench.corpus generates it."""
    topics = read(folder / "corpus.json")
    return {"topics": topics["topics"], "fields": {f: v["topics"] for f, v in topics["fields"].items()},
            "field_names": {f: {language: tuple(names) for language, names in v["names"].items()}
                            for f, v in topics["fields"].items()},
            "departments": [tuple(d) for d in read(folder / "departments.json")]}


def set_a():
    return generate(), read(DATA / "recall_queries.json")


def written_set(name, half):
    folder = DATA / name
    return lambda: (generate(world=world(folder)), [{**q, "half": half} for q in read(folder / "queries.json")])


# name -> () -> (generated people, queries)
QUERY_SETS = {"A": set_a, "B": written_set("set-b", "tuning"), "C": written_set("set-c", "blind"),
              "D": written_set("set-d", "blind"), "E": written_set("set-e", "blind")}


def judged(people, queries):
    """{query index: the profile URLs its rule makes relevant}."""
    relevant = {}
    for number, q in enumerate(queries):
        relevant[number] = {row["profile_url"] for row, topics in people
                            if topics & set(q["topics"]) and (not q.get("country") or row["country"] == q["country"])}
        if not relevant[number]:
            raise ValueError(f"query {q['q']!r} ({q.get('country')}) has no relevant expert in the corpus")
    return relevant


def measure(client, queries, relevant, expand):
    """{query index: (recall@10, reciprocal rank)}: recall over min(10, relevant), the rank of the first hit."""
    found = {}
    for number, q in enumerate(queries):
        args = {"q": q["q"], "per_page": 10, "expand": "1" if expand else "0",
                **({"country": q["country"]} if q.get("country") else {})}
        body = client.get("/api/v1/search", query_string=args).get_json()
        urls = [r["profile_url"] for r in body["results"]]
        hits = [rank for rank, url in enumerate(urls, 1) if url in relevant[number]]
        found[number] = (len(hits) / min(10, len(relevant[number])), 1 / hits[0] if hits else 0.0)
    return found


def variant(people, queries, relevant, patches, expand):
    from directory import create_app
    from directory.cli import cli

    folder = Path(tempfile.mkdtemp(prefix="bench-recall-"))
    try:
        with ExitStack() as stack:
            stack.callback(forget_vocabulary)
            forget_vocabulary()
            for target, replacement in patches:
                stack.enter_context(mock.patch(target, replacement))
            rows = folder / "corpus.jsonl"
            rows.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row, _ in people), encoding="utf-8")
            app = create_app({"RATELIMIT_ENABLED": False, "JOB_NICENESS": 0}, instance_path=folder)
            result = app.test_cli_runner().invoke(cli, ["import", str(rows)], obj=app)
            if result.exit_code:
                raise RuntimeError(result.output)
            return measure(app.test_client(), queries, relevant, expand)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def forget_vocabulary():
    """Drop what the thesaurus and the query builder remember, so that each variant's patches reach them."""
    from directory.search import fields, querying

    for remembered in (thesaurus.expand, thesaurus.expansion_groups, thesaurus.concepts, thesaurus.vocabulary,
                       thesaurus._query_matcher, thesaurus._topic_matcher, thesaurus._label_words, querying.word_query,
                       querying.phrase_query, querying.label_fields, fields.terms_of, thesaurus._meaning_matcher,
                       thesaurus._places, thesaurus._loose_phrases):
        remembered.cache_clear()


def counted(queries, kind):
    return sum(q["class"] == kind for q in queries)


def mean(values):
    return round(sum(values) / len(values), 3) if values else ""


def run():
    rows = []
    sets = {name: make() for name, make in QUERY_SETS.items()}
    for set_name, (people, queries) in sets.items():
        relevant = judged(people, queries)
        for name, (patches, expand) in VARIANTS.items():
            if set_name != "A" and name not in WRITTEN_SETS_VARIANTS:
                continue
            found = variant(people, queries, relevant, patches, expand)
            for half in dict.fromkeys(q["half"] for q in queries):
                row = {"set": set_name, "variant": name, "half": half}
                for kind in CLASSES:
                    chosen = [found[n] for n, q in enumerate(queries) if q["class"] == kind and q["half"] == half]
                    row[f"{kind} recall@10"] = mean([r for r, _ in chosen])
                    row[f"{kind} MRR"] = mean([m for _, m in chosen])
                rows.append(row)
                print(row, flush=True)
    described = "; ".join(
        f"set {name}: {len(people)} generated profiles in {len({r['institution'] for r, _ in people})} departments, "
        f"{len(queries)} queries ({', '.join(f'{counted(queries, k)} {k}' for k in CLASSES)})"
        for name, (people, queries) in sets.items())
    notes = (f"{described}. Profiles in en, de, fr, es, it, pt, nl, zh, ja, ko (a fifth of non-English interests in "
             "English; some sources without a declared language), imported through `directory import`; queries "
             "through the JSON API, top 10: recall@10 = relevant found / min(10, relevant); MRR = 1 / rank of the "
             "first relevant expert (0 if none in the top 10). Relevant: an expert whose interests are on one of the "
             "query's topics (and, for cross-language queries, in the country named, whose departments write in "
             "another language). Set A's halves are split by topic; set B was tuned on after its first measurement, "
             "sets C, D and E are blind (see bench/recall.py).")
    return "Search quality (recall@10 and MRR)", rows, notes
