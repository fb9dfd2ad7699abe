"""The index queue: experts whose change the search index has not taken in yet (directory/indexer.py)."""
from collections.abc import Iterable

from directory.store.connection import StoreBase, chunks, marks, now


class IndexQueue(StoreBase):
    """Changes waiting for the index, each with a sequence number of its own."""

    def queue_for_index(self, expert_id: str, erase: bool = False) -> None:
        """Note that this expert changed; replacing the row gives the change a new sequence number. An
        ``erase`` (an opt-out) stays marked until the index has removed every trace of the expert."""
        self.db.execute("insert or replace into index_queue (expert_id, queued, erase) values (?, ?, max(?, coalesce("
                        "(select erase from index_queue where expert_id = ?), 0)))",
                        [expert_id, now(), int(erase), expert_id])
        self._changed()

    def erasures(self, taken: Iterable[tuple[int, str]]) -> set[str]:
        """The ids among ``taken`` (seq, id) queued as erasures: the index must purge them, not just delete."""
        found = set()
        for part in chunks([seq for seq, _id in taken]):
            found.update(r[0] for r in self.db.execute(
                f"select expert_id from index_queue where erase and seq in ({marks(part)})", part))
        return found

    def take_index_queue(self, limit: int = 5000) -> list[tuple[int, str]]:
        """[(seq, expert id)] of the oldest changes not yet in the index."""
        return self.db.execute("select seq, expert_id from index_queue order by seq limit ?", [limit]).fetchall()

    def last_queued(self) -> int:
        """The sequence number of the newest change queued so far (0 when none ever was)."""
        row = self.db.execute("select seq from sqlite_sequence where name = 'index_queue'").fetchone()
        return row[0] if row else 0

    def clear_index_queue(self, taken: Iterable[tuple[int, str]] | None = None, upto: int | None = None) -> None:
        """Forget changes now in the index: the (seq, id) pairs ``taken``, or every change up to ``upto``.
        A change queued again since it was taken has a new number and stays."""
        with self.transaction():
            self._changed()  # what searches find has changed now
            if upto is not None:
                self.db.execute("delete from index_queue where seq <= ?", [upto])
            self.db.conn.executemany("delete from index_queue where seq = ?", [(seq,) for seq, _id in taken or ()])
