"""Who an expert is, from their records: the merge as a pure function (no SQLite), so that the rule can be
read and tested on its own. experts.py reads the records and writes what this returns."""
import json
from dataclasses import dataclass

from directory.identity import digest
from directory.languages import stored_language
from scrapers.record import clean_other_names, replaces

EXPERT_FIELDS = ("name", "title", "email", "phone", "profile_url", "photo_url", "department",
                 "institution", "country", "language")


@dataclass(frozen=True)
class Record:
    """One page's word on a person, as the store keeps it."""
    source: str
    page_url: str
    data: dict
    first_seen: str
    fetched_at: str


@dataclass(frozen=True)
class MergedExpert:
    """An expert's stored row (JSON columns encoded) and their interests in order."""
    row: dict
    interests: list


def merge(expert_id: str, records: list[Record], existing: dict | None, run_id: int | None = None,
          demo: bool = False) -> MergedExpert:
    """The expert that ``records`` (in source, page order; at least one) make, beside the row ``existing``
    (None for a new expert). Per field the first value wins, except that the longest title and department
    win (scrapers.record.replaces, extraction's rule too); interests are joined in order without case-folded
    repeats; every field remembers the page it came from; without a source's language, the one their words
    are surely in is kept (with no page). ``run_id`` is the run that saw them now (None: kept
    from ``existing``); ``demo`` labels them demo data (a label never taken off)."""
    merged, field_sources, interests, strategies, other_names = {}, {}, [], [], []
    for record in records:
        data = record.data
        for field in EXPERT_FIELDS:
            value = data.get(field)
            current = merged.get(field)
            if replaces(field, current, value):
                merged[field], field_sources[field] = value, record.page_url
        for phrase in data.get("interests", []):
            if phrase.casefold() not in {p.casefold() for p in interests}:
                interests.append(phrase)
        other_names += data.get("other_names") or []
        if data.get("strategy"):
            strategies.extend(data["strategy"].split("+"))
    if interests:
        field_sources["interests"] = sorted({r.page_url for r in records if r.data.get("interests")})
    merged["other_names"] = clean_other_names({"name": merged.get("name"),
                                               "other_names": other_names}).get("other_names")
    content_hash = digest(json.dumps(merged, sort_keys=True, ensure_ascii=False), *interests)
    merged["language"] = stored_language({**merged, "interests": interests})
    stamp = max(r.fetched_at for r in records)
    seen = run_id is not None
    row = {
        "id": expert_id, **{f: merged.get(f) for f in EXPERT_FIELDS},
        "other_names": json.dumps(merged["other_names"] or [], ensure_ascii=False),
        "interests": json.dumps(interests, ensure_ascii=False),
        "sources": json.dumps(sorted({r.source for r in records})),
        "source_urls": json.dumps(sorted({r.page_url for r in records})),
        "field_sources": json.dumps(field_sources),
        "strategy": "+".join(dict.fromkeys(strategies)),
        "first_seen": min(r.first_seen for r in records),
        "last_verified": stamp,
        "last_changed": (stamp if not existing or existing["content_hash"] != content_hash
                         else existing["last_changed"]),
        "content_hash": content_hash,
        "last_seen_run": run_id if seen else (existing or {}).get("last_seen_run"),
        "missed_runs": 0 if seen else (existing or {}).get("missed_runs", 0),
        "may_have_left": 0 if seen else (existing or {}).get("may_have_left", 0),
        "demo": int(demo or bool(existing and existing["demo"])),
    }
    return MergedExpert(row=row, interests=interests)
