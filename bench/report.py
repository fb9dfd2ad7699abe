"""Write a benchmark's results, with machine and date, into docs/BENCHMARKS.md (one section each)."""
import os
import platform
import re
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nWritten by `make bench`; each section is replaced when its benchmark runs again.\n"


def machine():
    return (f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
            f"{platform.machine()}")


def record(title, rows, notes=""):
    """Replace the section called ``title`` with a table of ``rows`` (list of dicts)."""
    columns = list(rows[0])
    table = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    table += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    section = f"## {title}\n\n{date.today().isoformat()}, {machine()}.\n\n" + "\n".join(table) + "\n"
    if notes:
        section += f"\n{notes.strip()}\n"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    pattern = re.compile(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section.rstrip("\n") + "\n", text)  # the blank line before the next section
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
