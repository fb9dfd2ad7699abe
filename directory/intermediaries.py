"""For intermediaries: embeddable search box and results widget, OpenSearch, Atom feeds, API docs."""
import re

from flask import Blueprint, current_app, make_response, render_template, request, url_for

from directory import countries
from directory.db import get_store
from directory.errors import UNAVAILABLE, unavailable
from directory.limits import searching
from directory.paths import openapi_document
from directory.queries import SearchRequest, perform, topic_counts, topic_names
from directory.referrals import REF, count_visit
from directory.search import IndexUnavailable, QueryError

bp = Blueprint("intermediaries", __name__)
COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")
# Characters XML 1.0 forbids (most control characters, lone surrogates, U+FFFE and U+FFFF): one in a scraped
# name or a query would make the whole feed unreadable, so they are dropped from what is sent.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
AA_TEXT = 4.5  # WCAG 2 level AA: the least contrast for normal-sized text
WIDGET_BACKGROUND = "#ffffff"  # templates/embed_results.html


def contrast_ratio(first, second):
    """WCAG 2 contrast ratio of two #rrggbb colours, from 1 (the same) to 21 (black on white). static/embed.js
    works out the same as the colour is chosen."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def embed_look(args):
    """The widget's colour (#rrggbb) and the intermediary's name, validated."""
    match = COLOUR.match(args.get("colour") or "")
    colour = "#" + match.group(1) if match else "#0b5cad"
    return colour, (args.get("name") or "").strip()[:60]


@bp.get("/embed")
def embed():
    """Build a search box snippet and a results widget for another site."""
    try:
        query = SearchRequest.from_args(request.args)
    except QueryError as error:
        return render_template("embed.html", error=str(error), query=SearchRequest(), snippets=None,
                               topics=topic_counts()), 400
    colour, name = embed_look(request.args)
    ref = request.args.get("ref") if REF.match(request.args.get("ref") or "") else None
    widget_args = {**query.args(), "colour": colour, "name": name or None, "ref": ref}
    widget_args = {k: v for k, v in widget_args.items() if v}
    widget_url = url_for("intermediaries.embed_results", _external=True, **widget_args)
    hidden = [(key, value) for key, value in (("country", query.country), ("region", query.region),
                                              ("topic", query.topic), ("institution", query.institution),
                                              ("ref", ref)) if value]
    box = render_template("embed_snippet_box.html", query=query, hidden=hidden)
    frame = render_template("embed_snippet_frame.html", widget_url=widget_url, name=name)
    look = {"colour": colour, "name": name or None, "ref": ref}
    filters = [(key, label, url_for("intermediaries.embed", **{**query.args(), **look, key: None}))
               for key, label in (("region", countries.region_labels().get(query.region)),
                                  ("country", countries.country_name(query.country) if query.country else None),
                                  ("topic", topic_names().get(query.topic)),
                                  ("institution", query.institution)) if label]
    return render_template("embed.html", query=query, colour=colour, name=name, ref=ref, widget_url=widget_url,
                           snippets={"box": box, "frame": frame}, error=None, filters=filters,
                           contrast=contrast_ratio(colour, WIDGET_BACKGROUND), aa_text=AA_TEXT,
                           topics=topic_counts())


@bp.get("/embed/results")
@searching
def embed_results():
    """A compact results list to show in an iframe on an intermediary's site."""
    colour, name = embed_look(request.args)
    ref = count_visit(request.args.get("ref"))
    query, found, error, problem = SearchRequest(), None, None, None
    try:
        query = SearchRequest.from_args({**request.args, "per_page": request.args.get("per_page", "10")})
        found = perform(query)
    except QueryError as bad:
        error = str(bad)
    except IndexUnavailable as missing:
        error, problem = UNAVAILABLE, missing
    response = make_response(render_template("embed_results.html", query=query, found=found, error=error,
                                             colour=colour, name=name, ref=ref), 400 if error else 200)
    if problem:
        unavailable(response, problem)
    origins = current_app.config["EMBED_ORIGINS"].strip() or "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
        f"frame-ancestors {origins}; base-uri 'none'; object-src 'none'")
    return response


@bp.get("/opensearch.xml")
def opensearch():
    response = make_response(render_template("opensearch.xml"))
    response.mimetype = "application/opensearchdescription+xml"
    return response


@bp.get("/feeds/search.atom")
@searching
def search_feed():
    """Experts newly added or updated for a search, newest first (subscribe in a feed reader)."""
    try:
        query = SearchRequest.from_args({**request.args, "sort": "changed", "per_page": "50", "page": "1"})
    except QueryError as error:
        return make_response(str(error), 400, {"Content-Type": "text/plain; charset=utf-8"})
    found = perform(query, highlight=False)
    feed = render_template("feed.atom.xml", query=query, found=found,
                           updated=get_store().last_change() or "1970-01-01T00:00:00+00:00")
    response = make_response(NOT_XML.sub("", feed))
    response.mimetype = "application/atom+xml"
    return response


@bp.get("/api/docs")
def api_docs():
    """The API described for people, from the same OpenAPI document as /api/v1/openapi.json."""
    return render_template("api_docs.html", spec=openapi_document())
