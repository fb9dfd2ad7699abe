"""Referral counts: visits intermediaries' links sent, per tag and day (spooled by directory/referrals.py)."""



from directory.store.connection import StoreBase, now


class Referrals(StoreBase):
    """Folded referral batches and their counts."""

    def add_referrals(self, batch: str, counts: dict[tuple[str, str], int]) -> None:
        """Add ``counts`` ({(tag, day): visits}) from the spooled ``batch``, once: a batch already added is
        skipped (a fold that stopped after its commit)."""
        with self.transaction():
            if self.db.execute("select 1 from referral_batches where name = ?", [batch]).fetchone():
                return
            self.db.execute("insert into referral_batches (name, folded) values (?, ?)", [batch, now()])
            self.db.conn.executemany("insert into referrals (ref, day, count) values (?, ?, ?) on conflict (ref, day) "
                                     "do update set count = count + excluded.count",
                                     [(ref, day, n) for (ref, day), n in counts.items()])

    def referral_batches(self) -> set[str]:
        """Names of the spooled batches already added."""
        if "referral_batches" not in self.db.table_names():
            return set()
        return {row[0] for row in self.db.execute("select name from referral_batches")}

    def referral_counts(self, pending: dict[tuple[str, str], int] | tuple = ()) -> list[tuple[str, int, str]]:
        """[(tag, visits, last day)], most visits first, with ``pending`` ({(tag, day): visits}) not yet added."""
        counts, last = {}, {}
        rows = self.db.execute("select ref, day, count from referrals").fetchall() \
            if "referrals" in self.db.table_names() else []
        for ref, day, count in [*rows, *((ref, day, n) for (ref, day), n in dict(pending).items())]:
            counts[ref] = counts.get(ref, 0) + count
            last[ref] = max(last.get(ref, day), day)
        return sorted(((ref, n, last[ref]) for ref, n in counts.items()), key=lambda row: (-row[1], row[0]))
