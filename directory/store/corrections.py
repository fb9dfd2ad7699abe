"""Curators' corrections: records that are not the same person, kept apart until the split is lifted."""
import json
from collections import defaultdict
from collections.abc import Sequence

from directory.identity import (
    names_of,
)
from directory.store.connection import StoreBase, StoreError, chunks, marks, now


class Corrections(StoreBase):
    """Splits of an expert's records."""

    def split_expert(self, expert_id: str, numbers: Sequence[int],
                     note: str | None = None) -> tuple[int, list[list[str]]]:
        """Record that the records ``numbers`` (1-based, as `records_of` lists them) are not the same person as
        the expert's other records, and regroup: the two sides are never joined again, by any later harvest
        or import, until `unsplit`. Returns (split id, [expert ids of the two sides])."""
        records = self.records_of(expert_id)
        if not records:
            raise StoreError(f"no expert with id {expert_id!r}")
        if not numbers or not set(numbers) < set(range(1, len(records) + 1)):
            raise StoreError(f"give some but not all of the record numbers 1-{len(records)} "
                             f"(`directory experts show {expert_id}`)")
        sides = {}
        for number, record in enumerate(records, 1):
            identity = (record["source"], record["page_url"], (names_of(record["data"]) or [""])[0])
            side = int(number in numbers)
            if sides.setdefault(identity, side) != side:
                raise StoreError(f"record {number} comes from the same page under the same name as another record"
                                 " on the other side; they cannot be told apart")
        with self.transaction():
            split_id = self.db["splits"].insert({"created": now(), "note": note}).last_pk
            self.db["split_sides"].insert_all({"split_id": split_id, "side": side, "source": source, "page_url": page,
                                               "name": name} for (source, page, name), side in sides.items())
            self._regroup([], [expert_id], around=[r["id"] for r in records])
            ids = [sorted({r[0] for r in self.db.execute(
                "select expert_id from records where id in (%s)" % marks(side), side)})
                for side in ([r["id"] for n, r in enumerate(records, 1) if n not in numbers],
                             [r["id"] for n, r in enumerate(records, 1) if n in numbers])]
        return split_id, ids

    def unsplit(self, split_id: int) -> list[str]:
        """Forget split ``split_id``: its records may be joined again. Returns the expert ids they now have."""
        sides = list(self.db.query("select source, page_url, name from split_sides where split_id = ?", [split_id]))
        if not sides:
            raise StoreError(f"no split with id {split_id}; `directory experts show ID` lists an expert's splits")
        with self.transaction():
            self.db.execute("delete from split_sides where split_id = ?", [split_id])
            self.db.execute("delete from splits where id = ?", [split_id])
            records = [r["id"] for side in sides for r in self.db.query(
                "select id, data from records where source = ? and page_url = ?", [side["source"], side["page_url"]])
                if (names_of(json.loads(r["data"])) or [""])[0] == side["name"]]
            self._regroup([], [], around=records)
            return sorted({r[0] for part in chunks(records) for r in self.db.execute(
                f"select expert_id from records where id in ({marks(part)})", part)})

    def splits_of(self, expert_id: str) -> list[tuple[int, str, str, int]]:
        """[(split id, created, note, side)] of the splits that name this expert's records."""
        found = set()
        for record in self.records_of(expert_id):
            found.update(self.db.execute(
                "select s.id, s.created, s.note, d.side from split_sides d join splits s on s.id = d.split_id"
                " where d.source = ? and d.page_url = ? and d.name = ?",
                [record["source"], record["page_url"], (names_of(record["data"]) or [""])[0]]).fetchall())
        return sorted(found)

    def _split_tags(self, rows, people):
        """{record id: {(split id, side)}} for these records (rows by id: id, source, page_url, ...)."""
        tags = defaultdict(set)
        by_page = defaultdict(list)
        for rid, row in rows.items():
            by_page[(row[1], row[2])].append(rid)
        pages = sorted({page for _source, page in by_page})
        for part in chunks(pages):
            for split_id, side, source, page_url, name in self.db.execute(
                    f"select split_id, side, source, page_url, name from split_sides where page_url in ({marks(part)})",
                    part):
                for rid in by_page.get((source, page_url), ()):
                    if (names_of(people[rid]) or [""])[0] == name:
                        tags[rid].add((split_id, side))
        return tags
