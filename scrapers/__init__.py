"""Harvesting, by role: sources.py (the sources file) -> scope.py (which URLs a source may enter) ->
crawl.py (one host's polite crawl, over fetch.py's bounded HTTP) -> extract/ (pages read as a site, with the
field readers of fields/ and the words of words/) -> clean.py (records cleaned and capped, then a page's
records made what the store keeps) -> job.py (the job: runs, the one writer, each source read once crawled).
Settings in settings.py; record.py says how records compare and which value of a field stays when two pages
disagree (the store groups and merges by it too).

Nothing here knows about Flask or the web layer; records leave through the store object handed to
:func:`scrapers.job.harvest`.
"""
