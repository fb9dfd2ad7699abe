"""JSON API v1. Every error has one shape: {"error": {"status": N, "message": "..."}}.

Described by /api/v1/openapi.json (directory/data/openapi.json), read by people at /api/docs.
"""
import json
from datetime import datetime

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from directory import countries, thesaurus
from directory.db import get_store
from directory.limits import api_limit, limiter, searching
from directory.migrations import DatabaseNotReady, DatabaseTooNew
from directory.paths import DATA
from directory.queries import SearchRequest, country_counts, institution_counts, perform, topic_counts, whole_number
from directory.search import IndexUnavailable, QueryError
from directory.store import export_row

bp = Blueprint("api", __name__, url_prefix="/api/v1")
UNAVAILABLE = "The search index is being rebuilt or is unavailable; try again shortly."
RETRY_AFTER_UNAVAILABLE = 30  # seconds: a rebuild of a small directory, or the wait for a curator's repair
limiter.shared_limit(api_limit, scope="api")(bp)  # one bucket for every endpoint


def error_response(status, message):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


@bp.errorhandler(QueryError)
def bad_query(error):
    return error_response(400, str(error))


def unavailable(response, error):
    """``response`` as a 503 while the index is missing or damaged (logged with its cause): the index is
    rebuilt from the store, so clients are told to retry."""
    current_app.logger.warning("search unavailable: %s", error, exc_info=error)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


@bp.errorhandler(IndexUnavailable)
def no_index(error):
    return unavailable(error_response(503, UNAVAILABLE), error)


NOT_READY = "The directory's database is not set up for this version yet: its curator must run `directory init`."
TOO_NEW = ("The directory's database was upgraded by a newer version of the directory than this one: its curator "
           "must run that version, or restore a backup.")


def not_ready_message(error):
    """What a visitor is told when the database is not as this code expects (the log has the details)."""
    current_app.logger.error("database not ready: %s", error)
    return TOO_NEW if isinstance(error, DatabaseTooNew) else NOT_READY


@bp.errorhandler(DatabaseNotReady)
@bp.errorhandler(DatabaseTooNew)
def database_not_ready(error):
    return error_response(503, not_ready_message(error))


@bp.errorhandler(HTTPException)
def http_error(error):
    """Any HTTP error in the one JSON shape; the app's handler sends here the API's errors that arise before
    the API is routed to (an unknown path or method, an untrusted host name, the rate limit)."""
    if error.code == 429:
        response = error_response(429, f"Too many requests ({error.description}); please wait a minute.")
        response.headers["Retry-After"] = "60"
    else:
        response = error_response(error.code, error.description)
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.after_request
def cross_origin(response):
    """Any site may read the API from a browser (GET only; there is nothing to write)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = ("ETag, Last-Modified, Retry-After, X-RateLimit-Limit, "
                                                         "X-RateLimit-Remaining")
    return response


def respond(data):
    """JSON with an ETag and Last-Modified, answering 304 to a matching conditional GET."""
    response = jsonify(data)
    response.add_etag()
    changed = get_store().last_change()
    if changed:
        response.last_modified = datetime.fromisoformat(changed)
    return response.make_conditional(request)


def expert_json(expert):
    row = export_row(expert)
    row["url"] = url_for("views.expert", expert_id=expert["id"], _external=True)
    row["country_name"] = expert.get("country_name")
    row["regions"] = expert.get("regions", [])
    return row


def page_args(default=50, most=500):
    return (whole_number(request.args.get("page"), "page", 1, 10000, 1),
            whole_number(request.args.get("per_page"), "per_page", 1, most, default))


@bp.get("/search")
@searching
def search():
    """Search experts: q, country, region, topic, institution, page, per_page, sort, expand."""
    query = SearchRequest.from_args(request.args)
    found = perform(query, highlight=False)
    results = []
    for expert in found["experts"]:
        row = expert_json(expert)
        row["score"], row["why"] = expert["score"], expert["why"]
        results.append({k: row[k] for k in ("id", "name", "title", "institution", "country", "department",
                                             "interests", "profile_url", "url", "score", "last_verified", "why")})
    expansions = [{"topic": e.concept.id, "name": e.concept.name, "matched": e.matched, "terms": e.terms(query.q)}
                  for e in found["expansions"]]
    return respond({"query": query.q, "country": query.country, "region": query.region, "topic": query.topic,
                    "institution": query.institution,
                    "total": found["total"], "page": query.page, "per_page": query.per_page, "results": results,
                    "facets": found["facets"], "expansions": expansions, "did_you_mean": found["suggestion"]})


@bp.get("/experts/<expert_id>")
def expert(expert_id):
    found = get_store().expert(expert_id)
    if found is None:
        return error_response(404, f"No expert with id {expert_id!r}.")
    return respond(expert_json(found))


@bp.get("/countries")
def country_list():
    counts = country_counts()
    return respond({"countries": [{"code": code, "name": countries.country_name(code), "experts": n,
                                   "regions": countries.regions_of(code)} for code, n in counts.items() if code]})


@bp.get("/regions")
def region_list():
    return respond({"regions": [{"key": key, "name": label, "countries": sorted(countries.countries_in(key))}
                                for key, label in countries.region_labels().items()]})


@bp.get("/institutions")
def institution_list():
    country = (request.args.get("country") or "").upper() or None
    if country and not countries.is_country(country):
        raise QueryError(f"Unknown country code {country!r}.")
    page, limit = page_args()
    rows = institution_counts(country, limit, (page - 1) * limit)
    return respond({"page": page, "per_page": limit,
                    "institutions": [{"name": n, "country": c, "experts": k} for n, c, k in rows]})


@bp.get("/topics")
def topic_list():
    counts = topic_counts()
    return respond({"topics": [{"id": c.id, "name": c.name, "field": c.field, "experts": counts.get(c.id, 0),
                                "labels": {k: list(v) for k, v in c.labels.items()}} for c in thesaurus.concepts()]})


@bp.get("/topics/suggest")
def topic_suggestions():
    """OpenSearch suggestions: ["prefix", ["completion", ...]]."""
    prefix = (request.args.get("q") or "")[:100]
    return respond([prefix, thesaurus.suggest(prefix)])


@bp.get("/stats")
def stats():
    return respond(get_store().stats())


@bp.get("/openapi.json")
def openapi():
    spec = json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
    spec["servers"] = [{"url": request.url_root.rstrip("/") + "/api/v1"}]
    return jsonify(spec)


@bp.route("/<path:_rest>")
def not_found(_rest):
    return error_response(404, "No such API endpoint; see /api/docs.")


def api_docs():
    """The API described for people, from the same OpenAPI document."""
    spec = json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
    return render_template("api_docs.html", spec=spec)
