"""Which value of a person's field stays when two pages about them disagree: one rule, for extraction
(``Person.merge``, the pages of one site) and for the store (``directory/store/merge.py``, the records of
every source)."""

LONGEST_WINS = ("title", "department")


def replaces(field, kept, other):
    """Whether ``other`` takes the place of ``kept`` as a person's ``field``: the first value found stays, except
    that a longer title or department wins ('Associate Professor of Physics' over 'Professor')."""
    return bool(other) and (not kept or (field in LONGEST_WINS and len(other) > len(kept)))
