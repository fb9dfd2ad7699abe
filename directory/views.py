"""The HTML site: search, expert pages. Every scraped string is escaped by Jinja."""
import re
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, current_app, g, make_response, render_template, request, url_for
from markupsafe import Markup

from directory import countries, referrals
from directory.db import get_index, get_store
from directory.errors import UNAVAILABLE, unavailable
from directory.limits import searching
from directory.migrations import DatabaseNotReady, DatabaseTooNew
from directory.queries import SearchRequest, country_counts, institution_counts, perform, topic_counts, topic_names
from directory.search import IndexUnavailable, QueryError

bp = Blueprint("views", __name__)
bp.add_app_template_global(topic_names)
EXPERT_PAGES = "/experts/"
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # a BCP 47 tag, as a sources file gives it
PAGE_LANGUAGE = "en"  # templates/base.html

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


@bp.after_app_request
def security_headers(response):
    # A response with its own policy (the embeddable widget) keeps it and may be framed.
    framable = "Content-Security-Policy" in response.headers
    for name, value in SECURITY_HEADERS.items():
        if not (framable and name == "X-Frame-Options"):
            response.headers.setdefault(name, value)
    return response


@bp.app_context_processor
def demo_flag():
    try:
        demo = current_app.config["DEMO"] or get_store().has_demo()
    except (DatabaseNotReady, DatabaseTooNew):  # the page that says so still shows
        demo = False
    return {"demo_data": demo}


@bp.app_template_global()
def region_labels():
    return countries.region_labels()


@bp.app_template_global()
def country_name(code):
    return countries.country_name(code)


@bp.app_template_global()
def country_choices():
    """[(code, name, count)] of the countries the directory covers, by name."""
    return sorted(((code, countries.country_name(code), n) for code, n in country_counts().items() if code),
                  key=lambda row: row[1])


@bp.app_template_global()
def search_link(**args):
    """A link to the search page with these arguments, as url_for makes it but without its routing work
    for each of the hundred links of a result page."""
    if "search_path" not in g:
        g.search_path = url_for("views.search")
    return f"{g.search_path}?{urlencode(args)}" if args else g.search_path


@bp.app_template_global()
def expert_link(expert_id):
    """The link to an expert's page, as url_for makes it but without its routing work (twenty a page)."""
    return f"{request.script_root}{EXPERT_PAGES}{quote(expert_id, safe='')}"


@bp.app_template_global()
def lang_of(expert):
    """` lang="xx"` for an element holding an expert's scraped text (name, title, interests) when their
    source's language is not the pages' own (English), so that a screen reader reads it in the right voice.
    (Not a language told from their words: one Chinese word in an English title would make it all Chinese.)"""
    language = (expert.get("language") or "") if "language" in (expert.get("field_sources") or {}) else ""
    if LANGUAGE.match(language) and language.split("-")[0].lower() != PAGE_LANGUAGE:
        return Markup(f' lang="{language}"')
    return ""


@bp.app_template_filter()
def safe_link(url):
    """Only http(s) links from scraped data; anything else becomes no link."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


@bp.get("/")
def home():
    store = get_store()
    return render_template("home.html", total=store.expert_count(), counts=country_counts(),
                           query=SearchRequest())


@bp.get("/search")
@searching
def search():
    referrals.count_visit(request.args.get("ref"))
    try:
        query = SearchRequest.from_args(request.args)
    except QueryError as error:
        return render_template("search.html", query=SearchRequest(q=(request.args.get("q") or "")[:300]),
                               error=str(error), found=None), 400
    try:
        found = perform(query)
    except IndexUnavailable as error:
        return unavailable(make_response(render_template("search.html", query=query, found=None, error=UNAVAILABLE)),
                           error)
    pages = max(1, -(-found["total"] // query.per_page))
    return render_template("search.html", query=query, found=found, pages=pages, error=None)


@bp.get("/browse")
def browse():
    """Coverage on a world map (server-drawn SVG, each country shaded by its experts and linking to their
    search), then by country as a table, by topic and by institution."""
    counts = country_counts()
    width, height, shapes = countries.world_shapes()
    return render_template("browse.html", countries=country_choices(), most=max(counts.values(), default=1),
                           counts=counts, levels=countries.shade_levels(counts), map_size=(width, height),
                           shapes=shapes, undrawn=[c for c in country_choices() if c[0] not in shapes],
                           institutions=institution_counts(limit=50), topics=topic_counts())


@bp.get(EXPERT_PAGES + "<expert_id>")
def expert(expert_id):
    found = get_store().expert(expert_id)
    if found is None:
        abort(404)
    try:
        similar = get_store().experts(get_index().similar(expert_id, found["interests"]))
    except IndexUnavailable:
        similar = []
    return render_template("expert.html", expert=found, records=get_store().records_of(expert_id),
                           similar=similar, contact=current_app.config.get("CURATOR_CONTACT"))
