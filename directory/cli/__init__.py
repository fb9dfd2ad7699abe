"""Curator commands: `directory --help` lists them. One module per kind of work, each adding its commands to
the group in base.py: harvest.py (scrape, reextract, preview, demo), records.py (runs, sources, export,
import, reindex, check, backup, referrals), people.py (optout, experts), serving.py (init, serve)."""
from directory.cli import harvest, people, records, serving  # noqa: F401 - each adds its commands to the group
from directory.cli.base import cli, main

__all__ = ["cli", "main"]
