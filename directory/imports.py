"""`directory import`: experts in the export shape (directory/exports.py) loaded as records of the import source.

Each row is checked, given what its email or profile domain says of its institution, and cleaned as a harvested
page's people are (scrapers.clean.page_records), then stored; the store holds back whom an opt-out holds."""
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from directory import countries
from directory.identity import digest
from directory.store import Store, StoreError
from directory.store.merge import EXPERT_FIELDS
from scrapers.clean import drop_shared_addresses, page_records


@dataclass(frozen=True)
class ImportedSource:
    """The source an imported row stands for (a harvest's is scrapers.sources.Source)."""
    name: str
    institution: str | None
    country: str
    department: str | None = None
    language: str | None = None


@dataclass
class ImportReport:
    """What an import kept: rows read, experts they now make up (rows that are one person count once),
    rows an opt-out held back, and notes on rows that were changed or dropped."""
    rows: int
    experts: int
    skipped: int
    notes: list


def import_experts(store: Store, rows: Iterable[dict], source_name: str = "import") -> ImportReport:
    """Load experts in the export shape into ``store``; each row becomes a record of the 'import' source (a row
    with the id of an earlier import replaces it). All or nothing: a row that is not in the shape is a
    StoreError naming it. Returns an ImportReport saying what was kept."""
    prepared = []
    with store.transaction():
        for number, row in enumerate(rows, 1):
            wrong = [k for k in EXPERT_FIELDS if row.get(k) is not None and not isinstance(row[k], str)]
            wrong += [k for k in ("interests", "other_names") if not isinstance(row.get(k) or [], list)
                      or not all(isinstance(v, str) for v in row.get(k) or [])]
            if wrong:
                kind = "a list of texts" if wrong[0] in ("interests", "other_names") else "text"
                raise StoreError(f"row {number}: {wrong[0]!r} must be {kind}")
            row = {**(store.institution_from_domains(row) or {}), **{k: v for k, v in row.items() if v}}
            if not countries.is_country(row.get("country") or ""):
                raise StoreError(f"row {number}: country {row.get('country')!r} is not an ISO 3166-1 alpha-2 code"
                                 " (and none follows from the email or profile domain)")
            source = ImportedSource(name=row.get("source") or source_name, institution=row.get("institution"),
                                    country=row["country"].upper())
            person = {k: row.get(k) for k in EXPERT_FIELDS if k != "country"}
            person["interests"] = list(row.get("interests") or [])
            person["other_names"] = row.get("other_names")
            person["strategy"] = "import"
            page = f"import:{row.get('id') or digest(json.dumps(row, sort_keys=True))[:16]}"
            prepared.append((source, page, person))
        # Rows of differently named people giving one address: it is nobody's own, and joins no one.
        shared = drop_shared_addresses([person for _s, _p, person in prepared])
        notes = [f"rows {', '.join(str(n + 1) for n in holders)} give one address ({address}) under different "
                 "names: kept apart, without it" for address, holders in sorted(shared.items())]
        pages = Counter(page for _s, page, _p in prepared)
        notes += [f"{n} rows have the id {page[7:]}: the last one is kept" for page, n in pages.items() if n > 1]
        skipped = sum(not store.save_people(source, page, page_records(source, page, [person]))
                      for source, page, person in prepared)
        by_source = defaultdict(set)
        for source, page, _p in prepared:
            by_source[source.name].add(page)
        experts = set().union(*(store.experts_of_pages(name, pages) for name, pages in by_source.items()))
    return ImportReport(rows=len(prepared), experts=len(experts), skipped=skipped, notes=notes)
