"""How each source is doing over its recent runs, for `directory sources` and the curator page."""
from dataclasses import dataclass

BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass
class SourceHealth:
    name: str
    people: int  # experts the source gives now
    history: list  # people found in each recent run, oldest first (None: the source failed that run)
    last_success: str  # when the last run in which the source did not fail ended
    errors: int  # in the latest run
    with_title: int
    with_email: int
    with_interests: int
    warning: str  # the latest run's, e.g. a sharp drop in people

    @property
    def change(self):
        """People in the latest run against the oldest run shown, or None with fewer than two."""
        counts = [n for n in self.history if n is not None]
        return counts[-1] - counts[0] if len(counts) >= 2 else None

    def share(self, count):
        return share(count, self.people)

    @property
    def history_text(self):
        return ", ".join("failed" if n is None else str(n) for n in self.history) or "none yet"


def share(count, total):
    """``count`` as a whole percentage of ``total``, or '-' of nothing."""
    return f"{100 * count // total}%" if total else "-"


def source_health(store, runs=10):
    """[SourceHealth] of every harvested source over its last ``runs`` runs."""
    found = []
    for name in store.source_names():
        history = store.source_runs(name, runs)
        quality = store.source_quality(None, name)
        latest = history[-1][2] if history else {}
        found.append(SourceHealth(
            name=name, people=quality["people"],
            history=[None if s.get("failed") else s.get("people", 0) for _run, _finished, s in history],
            last_success=next((finished for _run, finished, s in reversed(history) if s and not s.get("failed")),
                              None),
            errors=latest.get("errors", 0), with_title=quality["with_title"], with_email=quality["with_email"],
            with_interests=quality["with_interests"],
            warning=latest.get("warning") or ("failed entirely" if latest.get("failed") else None)))
    return found


def sparkline(history):
    """People per run as text blocks scaled from zero to the most; a failed run is a space."""
    most = max((n for n in history if n), default=0)
    return "".join(" " if n is None else BLOCKS[round(n / most * (len(BLOCKS) - 1)) if most else 0]
                   for n in history)


def chart_points(history, width=120, height=32, pad=3):
    """The SVG polyline points of people per run, zero at the bottom; failed runs count as zero. One run is
    drawn as a level line."""
    counts = [n or 0 for n in history] * (2 if len(history) == 1 else 1)
    most = max(counts, default=0) or 1
    step = (width - 2 * pad) / max(len(counts) - 1, 1)
    return " ".join(f"{pad + i * step:.1f},{height - pad - n / most * (height - 2 * pad):.1f}"
                    for i, n in enumerate(counts))
