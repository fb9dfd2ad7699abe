"""Store -> index: keep the Whoosh index in step with the store, or rebuild it."""
from directory.search import IndexUnavailable
from directory.thesaurus import topics_of


def with_topics(experts):
    """Tag each expert with the thesaurus concepts its interests and title name."""
    for expert in experts:
        expert["topics"] = topics_of(list(expert.get("interests") or []) + [expert.get("title") or ""])
        yield expert


def sync_index(store, index, batch=2000, waiting=None):
    """Apply every change queued in the store to the index. Returns (updated, deleted).

    Waits for a rebuild running elsewhere (calling ``waiting`` first); the rebuild applies what it finds queued."""
    with index.writing(waiting):
        index.ensure()
        try:
            stale = index.outdated()
        except IndexUnavailable:
            stale = True  # damaged: the index is derived, so build it again from the store
        if stale:
            return _rebuild(store, index), 0
        return _apply_queue(store, index, batch)


def rebuild_index(store, index, progress=None, procs=1):
    """Build a fresh index from the whole store and swap it in atomically."""
    with index.writing():
        return _rebuild(store, index, progress, procs)


def _rebuild(store, index, progress=None, procs=1):
    upto = store.last_queued()  # changes queued from here on may be missing from what is read next
    count = index.rebuild(with_topics(store.iter_experts()), progress=progress, procs=procs)
    store.clear_index_queue(upto=upto)
    _apply_queue(store, index)
    return count


def _apply_queue(store, index, batch=2000):
    updated = deleted = 0
    while True:
        taken = store.take_index_queue(batch)
        if not taken:
            return updated, deleted
        ids = [expert_id for _seq, expert_id in taken]
        experts = store.experts(ids)
        found = {e["id"] for e in experts}
        gone = [i for i in ids if i not in found]
        # update_document replaces by id; ids no longer in the store are deleted, and an opt-out's purged.
        index.update(with_topics(experts), deleted_ids=gone, purge=bool(store.erasures(taken)))
        store.clear_index_queue(taken)
        updated, deleted = updated + len(experts), deleted + len(gone)


def check_index(store, index):
    """Ids in the store but not the index, and in the index but not the store."""
    stored = {e["id"] for e in store.iter_experts()}
    indexed = index.ids() if index.exists() else set()
    return sorted(stored - indexed), sorted(indexed - stored)


def repair_index(store, index, missing, extra):
    """Add experts missing from the index and drop ids the store no longer has (purged: they may have been
    erased)."""
    with index.writing():
        index.update(with_topics(store.experts(missing)), deleted_ids=extra, purge=bool(extra))
