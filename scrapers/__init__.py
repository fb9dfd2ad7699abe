"""Harvesting: sources file -> polite fetch -> extract -> normalised records.

Nothing here knows about Flask or the web layer; records leave through the
store object handed to :func:`scrapers.job.harvest`.
"""
