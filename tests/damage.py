"""Real damage to a real Whoosh index, for the fault tests of the site and the commands."""
from pathlib import Path


def damage_index(index, how):
    """Really damage the live Whoosh index folder behind the link ``index``, as a crash or a bad disk would."""
    live = Path(index).resolve()
    files = {f.name: f for f in live.iterdir()}

    def by_suffix(suffix):
        return [f for name, f in files.items() if name.endswith(suffix)]

    if how == "truncated postings":
        for f in by_suffix(".pst"):
            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    elif how == "zeroed terms":
        for f in by_suffix(".trm"):
            f.write_bytes(b"\0" * f.stat().st_size)
    elif how == "stored fields cut short":
        for f in by_suffix("_stored.col"):
            f.write_bytes(f.read_bytes()[:-8])
    elif how == "segment files missing":
        for f in by_suffix(".trm") + by_suffix(".pst"):
            f.unlink()
    elif how == "no table of contents":  # Whoosh's EmptyIndexError
        for f in by_suffix(".toc"):
            f.unlink()
    else:
        raise ValueError(how)


DAMAGES = ["truncated postings", "zeroed terms", "stored fields cut short", "segment files missing",
           "no table of contents"]
