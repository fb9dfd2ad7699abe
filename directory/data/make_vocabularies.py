"""Make the vocabulary files shipped beside this script from the open vocabularies' flat TSVs (see
VOCABULARIES.md): python directory/data/make_vocabularies.py PATH/TO/vocabularies

Each output keeps its source's licence. What changes: only the concepts' labels in the languages the directory
holds are kept (no links, no Arabic, Russian or Polish); a qualifier in brackets is dropped ("Mercury (planet)"
becomes "Mercury"); STW's subject categories (thsys) are left out, its descriptors kept.
"""
import csv
import re
import sys
from pathlib import Path

LANGUAGES = ("en", "de", "fr", "es", "it")
SOURCES = {"euroscivoc": "euroscivoc/euroscivoc.tsv", "unesco-thesaurus": "unesco-thesaurus/unesco-thesaurus.tsv",
           "stw": "stw/stw.tsv"}


def labels(cell):
    found = []
    for label in cell.split("|"):
        label = re.sub(r"\s*\([^)]*\)\s*$", "", label).strip()
        if label and len(label) <= 80 and label not in found:
            found.append(label)
    return "|".join(found)


def convert(source, target):
    csv.field_size_limit(10**8)
    with open(source, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    columns = [language for language in LANGUAGES if language in rows[0]]
    with open(target, "w", encoding="utf-8") as out:
        out.write("\t".join(["id", *columns]) + "\n")
        for row in rows:
            if "/thsys/" in row["concept_id"]:
                continue
            out.write("\t".join([row["concept_id"], *(labels(row[language]) for language in columns)]) + "\n")


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    for name, path in SOURCES.items():
        convert(folder / path, Path(__file__).parent / f"vocabulary-{name}.tsv")
