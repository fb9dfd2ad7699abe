"""Import of experts in the export shape, and the export shape itself."""
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from directory import countries
from directory.identity import (
    digest,
    normalise_email,
    normalise_url,
    shared_addresses,
)
from directory.store.connection import StoreBase, StoreError, chunks, marks
from directory.store.merge import EXPERT_FIELDS


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


class ImportExport(StoreBase):
    """Experts loaded from JSON lines."""

    def import_experts(self, rows: Iterable[dict], source_name: str = "import") -> ImportReport:
        """Load experts in the export shape; each row becomes a record of the 'import' source (a row with the
        id of an earlier import replaces it). Returns an ImportReport saying what was kept."""
        prepared = []
        with self.transaction():
            for number, row in enumerate(rows, 1):
                wrong = [k for k in EXPERT_FIELDS if row.get(k) is not None and not isinstance(row[k], str)]
                wrong += [k for k in ("interests", "other_names") if not isinstance(row.get(k) or [], list)
                          or not all(isinstance(v, str) for v in row.get(k) or [])]
                if wrong:
                    kind = "a list of texts" if wrong[0] in ("interests", "other_names") else "text"
                    raise StoreError(f"row {number}: {wrong[0]!r} must be {kind}")
                row = {**(self.institution_from_domains(row) or {}), **{k: v for k, v in row.items() if v}}
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
                prepared.append((number, source, page, person))
            notes = []
            # Rows of differently named people giving one address: it is nobody's own, and joins no one.
            for address in sorted(shared_addresses([person for *_rest, person in prepared])):
                holders = [number for number, _s, _p, person in prepared
                           if address in (normalise_email(person.get("email")),
                                          normalise_url(person.get("profile_url")))]
                for *_rest, person in (prepared[n - 1] for n in holders):
                    for key, normalise in (("email", normalise_email), ("profile_url", normalise_url)):
                        if normalise(person.get(key)) == address:
                            person[key] = None
                notes.append(f"rows {', '.join(map(str, holders))} give one address ({address}) under different "
                             "names: kept apart, without it")
            pages = Counter(page for _n, _s, page, _p in prepared)
            notes += [f"{n} rows have the id {page[7:]}: the last one is kept" for page, n in pages.items() if n > 1]
            skipped = sum(not self.save_people(source, page, [person]) for _n, source, page, person in prepared)
            by_source = defaultdict(set)
            for _n, source, page, _p in prepared:
                by_source[source.name].add(page)
            experts = {r[0] for name, kept in by_source.items() for part in chunks(kept) for r in self.db.execute(
                f"select distinct expert_id from records where source = ? and page_url in ({marks(part)})",
                [name, *part])}
        return ImportReport(rows=len(prepared), experts=len(experts), skipped=skipped, notes=notes)


def export_row(expert: dict) -> dict:
    """The stable export / API shape of one expert."""
    return {
        "id": expert["id"], "name": expert["name"], "other_names": expert.get("other_names") or [],
        "title": expert.get("title"), "email": expert.get("email"),
        "phone": expert.get("phone"), "profile_url": expert.get("profile_url"),
        "photo_url": expert.get("photo_url"), "institution": expert.get("institution"),
        "country": expert.get("country"), "department": expert.get("department"),
        "interests": expert.get("interests", []), "source": (expert.get("sources") or [None])[0],
        "sources": expert.get("sources", []), "source_urls": expert.get("source_urls", []),
        "first_seen": expert.get("first_seen"), "last_verified": expert.get("last_verified"),
        "may_have_left": bool(expert.get("may_have_left")),
    }
