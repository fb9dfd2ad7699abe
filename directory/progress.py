"""How a long job shows its progress on stderr: a live bar on a terminal (tqdm), and on anything else (a
cron log, a pipe) a plain line now and then, since carriage returns would make one endless line there."""
import sys
import time

from tqdm import tqdm


class JobProgress:
    """Counts done of ``total`` (which may grow, or be unknown); ``status`` is extra text such as errors."""

    def __init__(self, label, total=None, unit="item", stream=None, every=10.0):
        self.label, self.unit, self.every = label, unit, every
        self.stream = stream or sys.stderr
        self.done, self.total, self.status, self.written = 0, total, "", None
        self.bar = None
        if self.stream.isatty():
            self.bar = tqdm(total=total, desc=label, unit=unit, file=self.stream, dynamic_ncols=True)

    def update(self, count=1, total=None, status=None):
        """``count`` more done; a new ``total`` or ``status`` when they changed."""
        self.done += count
        if total is not None:
            self.total = max(total, self.done)
        if status is not None:
            self.status = status
        if self.bar is not None:
            if total is not None:
                self.bar.total = self.total
            if status is not None:
                self.bar.set_postfix_str(status, refresh=False)
            self.bar.update(count)
        elif self.written is None or time.monotonic() - self.written >= self.every:
            self.write_line()

    def write_line(self):
        of = f" of {self.total}" if self.total else ""
        status = f", {self.status}" if self.status else ""
        self.stream.write(f"{self.label}: {self.done}{of} {self.unit}s{status}\n")
        self.stream.flush()
        self.written = time.monotonic()

    def close(self):
        """The last state, always shown."""
        if self.bar is not None:
            self.bar.close()
        else:
            self.write_line()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()
