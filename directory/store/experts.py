"""Experts: the records pages gave, who is who among them (directory/identity.py) and the expert each group
makes (merge.py); reading experts back."""
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from itertools import count as numbers
from typing import TypedDict

from directory import countries
from directory.harvest_store import Source
from directory.identity import digest, group, host_of, join_keys, mint, mint_keys, names_of
from directory.store.connection import StoreBase, chunks, marks, now
from directory.store.merge import Record, merge
from scrapers.record import is_curated
from scrapers.scope import registrable_domain


class Expert(TypedDict, total=False):
    """A stored expert as the store hands it out (``decode_expert``): the experts row, its JSON columns
    decoded, and the country's name and regions. What the index, the site, the API and exports read."""
    id: str
    name: str
    title: str | None
    email: str | None
    phone: str | None
    profile_url: str | None
    photo_url: str | None
    department: str | None
    institution: str | None
    country: str | None  # ISO 3166 code
    language: str | None  # the source's, else the one their words are surely in (field_sources says which)
    other_names: list[str]  # the same person in another script or order
    interests: list[str]
    sources: list[str]  # source names
    source_urls: list[str]  # the pages the records came from
    field_sources: dict[str, str | list[str]]  # field -> the page (or pages) its value came from
    strategy: str  # how extraction found the person ("listing+profile")
    first_seen: str
    last_verified: str
    last_changed: str
    content_hash: str
    last_seen_run: int | None
    missed_runs: int
    may_have_left: int  # 1 when recent runs no longer found the person
    demo: int
    country_name: str | None
    regions: list[str]
    topics: list[str]  # hand-made topic ids, added on the way to the index (directory/indexer.py)


class Experts(StoreBase):
    """What pages say about people, and the experts that makes."""

    def save_people(self, source: Source, page_url: str, people: list[dict], run_id: int | None = None,
                    demo: bool = False) -> set[str]:
        """Replace what ``page_url`` says about people with ``people`` (records as scrapers.clean.page_records
        makes them), then work out again who is who around them. People an opt-out holds are dropped here,
        whichever way they came. Returns the ids of their experts."""
        stamp = now()
        old = self.db.execute("select id, record_key, expert_id, first_seen from records"
                              " where source = ? and page_url = ?", [source.name, page_url]).fetchall()
        old_keys = self._keys_of([r[0] for r in old])
        self.db.execute("delete from records where source = ? and page_url = ?", [source.name, page_url])
        saved = []
        for person in people:
            keys = self._join_keys(person, source.name, page_url)
            record_key = mint_keys(person, source.name)[0]
            # The record that said this before hands on its expert id, so links to the expert keep working.
            earlier = next((r for r in old if r[1] == record_key), None) or next(
                (r for r in old if old_keys[r[0]] & set(keys)), None)
            record_id = self.db.execute(
                "insert into records (source, page_url, record_key, expert_id, data, first_seen, fetched_at, run_id)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)",
                [source.name, page_url, record_key, earlier and earlier[2], json.dumps(person, ensure_ascii=False),
                 earlier[3] if earlier and earlier[1] == record_key else stamp, stamp, run_id]).lastrowid
            self.db.conn.executemany("insert into record_keys (record_id, key) values (?, ?)",
                                     [(record_id, key) for key in keys])
            saved.append(record_id)
        return self._regroup(saved, [r[2] for r in old], run_id=run_id, demo=demo)

    def _join_keys(self, person, source_name, page_url):
        def vouched(email):
            """The page's site can vouch for an email at its own domain, or at its institution's."""
            if is_curated(page_url):
                return True
            domain, host = email.rpartition("@")[2], host_of(page_url)
            if registrable_domain(domain) == registrable_domain(host or ""):
                return True
            mine = self.institution_for_host(host)
            return mine is not None and mine == self.institution_for_host(domain)

        return join_keys(person, source_name, person.get("institution"), vouched)

    def _keys_of(self, record_ids):
        """{record id: its join keys}."""
        keys = defaultdict(set)
        for part in chunks(record_ids):
            for record_id, key in self.db.execute(
                    f"select record_id, key from record_keys where record_id in ({marks(part)})", part):
                keys[record_id].add(key)
        return keys

    def _region(self, record_ids, expert_ids):
        """The records that who-is-who around these records and experts depends on: theirs, those sharing a
        key with them, and so on (closed under keys and experts), each with its join keys."""
        records, experts, keys, keys_of = set(), set(), set(), {}
        todo, todo_experts = set(record_ids), {e for e in expert_ids if e}
        while todo or todo_experts:
            experts |= todo_experts
            for part in chunks(todo_experts):
                todo.update(r[0] for r in self.db.execute(f"select id from records where expert_id in ({marks(part)})",
                                                          part))
            todo -= records
            records |= todo
            todo_experts = set()  # next: the experts of the records just reached, and records sharing their keys
            for part in chunks(todo):
                todo_experts.update(r[0] for r in self.db.execute(
                    f"select distinct expert_id from records where id in ({marks(part)})", part) if r[0])
            todo_experts -= experts
            reached = self._keys_of(todo)
            keys_of.update(reached)
            found = {k for ks in reached.values() for k in ks} - keys
            keys |= found
            todo = set()
            for part in chunks(found):
                todo.update(r[0] for r in self.db.execute(
                    f"select record_id from record_keys where key in ({marks(part)})", part))
            todo -= records
        return {rid: keys_of.get(rid, set()) for rid in records}

    def _regroup(self, record_ids, expert_ids, around=(), run_id=None, demo=False):
        """Work out again which records are one person around ``record_ids`` (just saved), ``expert_ids``
        (changed) and ``around`` (records to look at again), from the records alone; erase anyone with
        saved records whom an opt-out holds; give each person an expert id and rebuild the experts that
        changed. Returns the expert ids of ``record_ids``."""
        expert_ids = {e for e in expert_ids if e}
        region = keys = self._region([*record_ids, *around], expert_ids)
        rows = {}
        for part in chunks(region):
            rows.update((r[0], r) for r in self.db.execute(
                f"select id, source, page_url, data, expert_id, record_key from records where id in ({marks(part)})",
                part))
        people = {rid: json.loads(row[3]) for rid, row in rows.items()}
        held = {rid: row[4] for rid, row in rows.items()}
        before = defaultdict(set)  # expert id: its records, as they were
        for rid, expert_id in held.items():
            if expert_id:
                before[expert_id].add(rid)
        before.update({e: set() for e in expert_ids if e not in before})
        groups = group({rid: ((row[1], row[2], (names_of(people[rid]) or [""])[0], row[5], rid), keys[rid])
                        for rid, row in rows.items()}, self._split_tags(rows, people))
        fresh = set(record_ids)
        matched, kept = [], []
        for members in groups:  # each person with new records is checked whole, not record by record
            request = fresh.intersection(members) and self._opted_out([people[r] for r in members])
            if request:
                matched.append((members, request))
            else:
                kept.append(members)
        for members, request in matched:
            self._erase_records(members, request, [people[r] for others in kept for r in others])
            for expert_id in {held[r] for r in members if held[r]}:
                self.queue_for_index(expert_id, erase=True)
        ids = self._expert_ids(kept, held, {rid: mint_keys(people[rid], rows[rid][1]) for rid in rows}, set(before))
        changed = []
        for members, expert_id in zip(kept, ids):
            moved = [r for r in members if held[r] != expert_id]
            for part in chunks(moved):
                self.db.execute(f"update records set expert_id = ? where id in ({marks(part)})", [expert_id, *part])
            if moved or expert_id in expert_ids or before.get(expert_id) != set(members) or fresh.intersection(members):
                changed.append((expert_id, bool(fresh.intersection(members))))
        for expert_id, seen in changed:  # once every record is where it belongs
            self._rebuild_expert(expert_id, run_id=run_id if seen else None, demo=demo and seen)
        for expert_id in set(before) - set(ids):
            self._delete_expert(expert_id)
        return {expert_id for expert_id, seen in changed if seen}

    def _expert_ids(self, groups, held, mints, old_ids):
        """One expert id per group of records. An id its records held goes to the group that can claim it best
        (made from one of its keys, then held by most of its records), so ids outlive merges, splits and
        changes of data; a group with none makes one from its first record's key, as ids always were."""
        claims = defaultdict(list)
        for number, members in enumerate(groups):
            owned = {mint(key) for r in members for key in mints[r]}
            for expert_id, records in Counter(held[r] for r in members if held[r]).items():
                claims[expert_id].append((expert_id in owned, records, -number))
        chosen = [None] * len(groups)
        for expert_id in sorted(claims):  # the smallest id survives a merge, as it always has
            for _owned, _records, minus in sorted(claims[expert_id], reverse=True):
                if chosen[-minus] is None:
                    chosen[-minus] = expert_id
                    break
        taken = set(filter(None, chosen))
        for number, members in enumerate(groups):
            if chosen[number] is None:
                made = [mint(key) for r in members for key in mints[r]]
                made = chain(made, (digest(*made, str(n))[:16] for n in numbers()))
                chosen[number] = next(i for i in made if i not in taken and (
                    i in old_ids or not self.db.execute("select 1 from experts where id = ?", [i]).fetchone()))
            taken.add(chosen[number])
        return chosen

    def regroup_everyone(self) -> None:
        """Work out who is who for every record again (the upgrade to schema 4): keys from each record's data."""
        sources = {r["name"]: r for r in self.db.query("select name, institution from sources")}
        self.db.execute("delete from record_keys")
        for record_id, source, page_url, data in self.db.execute(
                "select id, source, page_url, data from records").fetchall():
            person = json.loads(data)
            person.setdefault("institution", (sources.get(source) or {}).get("institution"))
            self.db.conn.executemany("insert into record_keys (record_id, key) values (?, ?)",
                                     [(record_id, k) for k in self._join_keys(person, source, page_url)])
        done = set()
        for (record_id,) in self.db.execute("select id from records order by id").fetchall():
            if record_id not in done:
                region = self._region([record_id], [])
                self._regroup([], [], around=region)
                done.update(region)

    def _rebuild_expert(self, expert_id, run_id=None, demo=False):
        """Derive an expert's row from all its records (the rule is merge.merge)."""
        records = list(self.db.query(
            "select source, page_url, data, first_seen, fetched_at from records where expert_id = ?"
            " order by source, page_url",
            [expert_id]))
        existing = next(self.db.query("select * from experts where id = ?", [expert_id]), None)
        self.queue_for_index(expert_id)
        if not records:
            self._delete_expert(expert_id)
            return
        merged = merge(expert_id, [Record(r["source"], r["page_url"], json.loads(r["data"]), r["first_seen"],
                                          r["fetched_at"]) for r in records], existing, run_id, demo)
        self._write("experts", merged.row, replacing="id")
        self.db.execute("delete from interests where expert_id = ?", [expert_id])
        self.db.conn.executemany("insert into interests (expert_id, position, phrase) values (?, ?, ?)",
                                 [(expert_id, i, phrase) for i, phrase in enumerate(merged.interests)])

    def _delete_expert(self, expert_id, erase=False):
        """The expert row goes (its records have gone or moved to another expert)."""
        for table in ("experts", "interests"):
            self.db.execute(f"delete from {table} where {'id' if table == 'experts' else 'expert_id'} = ?", [expert_id])
        self.queue_for_index(expert_id, erase=erase)

    def mark_missing(self, run_id: int, source_name: str, runs_before_left: int) -> int:
        """After a source finished: people it no longer lists count one more missed run; those who reach
        ``runs_before_left`` are marked as may have left (and hidden from searches, so the index hears)."""
        with self.transaction():
            ids = [r[0] for r in self.db.execute(
                "select distinct expert_id from records as r where source = ? and (run_id is null or run_id != ?) "
                "and not exists (select 1 from records where expert_id = r.expert_id and run_id = ?)",
                [source_name, run_id, run_id])]
            self.db.conn.executemany("update experts set missed_runs = missed_runs + 1 where id = ?",
                                     [(expert_id,) for expert_id in ids])
            for expert_id in ids:
                if self.db.execute("update experts set may_have_left = 1 where id = ? and missed_runs >= ? "
                                   "and not may_have_left", [expert_id, runs_before_left]).rowcount:
                    self.queue_for_index(expert_id)
            return len(ids)

    # -- reading -----------------------------------------------------------------

    def expert(self, expert_id: str) -> Expert | None:
        row = next(self.db.query("select * from experts where id = ?", [expert_id]), None)
        return decode_expert(row) if row else None

    def experts(self, ids: Sequence[str]) -> list[Expert]:
        """Experts by id, in the order given (missing ids skipped)."""
        if not ids:
            return []
        rows = self.db.query(f"select * from experts where id in ({','.join('?' * len(ids))})", list(ids))
        by_id = {r["id"]: decode_expert(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def iter_experts(self, batch: int = 1000) -> Iterator[Expert]:
        last = ""
        while True:
            rows = list(self.db.query("select * from experts where id > ? order by id limit ?", [last, batch]))
            if not rows:
                return
            yield from (decode_expert(r) for r in rows)
            last = rows[-1]["id"]

    def has_demo(self) -> bool:
        return self.db.execute("select 1 from experts where demo = 1 limit 1").fetchone() is not None

    def expert_count(self) -> int:
        return self.db["experts"].count

    def country_counts(self) -> dict[str, int]:
        return dict(self.db.execute(
            "select country, count(*) from experts group by country order by 2 desc").fetchall())

    def institution_counts(self, country: str | None = None, limit: int = 100, offset: int = 0,
                           hide: bool = True) -> list[tuple[str, str, int]]:
        """[(institution, country, experts)] most experts first; with ``hide``, not counting people who may
        have left (as searches do not find them)."""
        conditions = (["country = ?"] if country else []) + (["not may_have_left"] if hide else [])
        where = f"where {' and '.join(conditions)}" if conditions else ""
        return self.db.execute(
            f"select institution, country, count(*) from experts {where} group by institution, country"
            " order by 3 desc, 1 limit ? offset ?", ([country] if country else []) + [limit, offset]).fetchall()

    def stats(self) -> dict:
        row = self.db.execute("select count(*), count(distinct institution), count(distinct country),"
                              " max(last_verified), max(last_changed) from experts").fetchone()
        return {"experts": row[0], "institutions": row[1], "countries": row[2], "last_verified": row[3],
                "last_changed": row[4], "sources": self.db["sources"].count}

    def last_change(self) -> str | None:
        """When anything a reader sees last changed (for Last-Modified and feeds): every write that adds,
        changes, hides or removes an expert moves it, and so does the index taking those changes in."""
        row = self.db.execute("select value from meta where key = 'changed'").fetchone()
        return row[0] if row else None

    def experts_of_pages(self, source_name: str, page_urls: Iterable[str]) -> set[str]:
        """The experts that the records of these pages of a source belong to."""
        return {r[0] for part in chunks(page_urls) for r in self.db.execute(
            f"select distinct expert_id from records where source = ? and page_url in ({marks(part)})",
            [source_name, *part])}

    def records_of(self, expert_id: str) -> list[dict]:
        """The records an expert is made of, in a fixed order (the numbers `split_expert` takes)."""
        return [{**r, "data": json.loads(r["data"])} for r in self.db.query(
            "select id, source, page_url, data, first_seen, fetched_at from records where expert_id = ?"
            " order by source, page_url, id", [expert_id])]


def decode_expert(row: dict) -> Expert:
    expert = Expert(**row)
    for key in ("interests", "sources", "source_urls", "field_sources", "other_names"):
        expert[key] = json.loads(expert[key]) if expert.get(key) else ([] if key != "field_sources" else {})
    expert["country_name"] = countries.country_name(expert.get("country"))
    expert["regions"] = countries.regions_of(expert.get("country"))
    return expert
