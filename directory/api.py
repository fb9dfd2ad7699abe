"""JSON API v1. Every error has one shape: {"error": {"status": N, "message": "..."}} (directory/errors.py).

Described by /api/v1/openapi.json (directory/data/openapi.json), read by people at /api/docs.
"""
from datetime import datetime

from flask import Blueprint, jsonify, request, url_for

from directory import countries, thesaurus
from directory.db import get_store
from directory.errors import error_response
from directory.exports import export_row
from directory.limits import api_limit, limiter, searching
from directory.paths import openapi_document
from directory.queries import SearchRequest, country_counts, institution_counts, perform, topic_counts, whole_number
from directory.search import QueryError

# The blueprint owns /api/: its endpoints are under /api/v1, and any other path there is a JSON 404 (errors.py).
bp = Blueprint("api", __name__, url_prefix="/api")
V1 = "/v1"
limiter.shared_limit(api_limit, scope="api")(bp)  # one bucket for every endpoint


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


@bp.get(V1 + "/search")
@searching
def search():
    """Search experts: q, country, region, topic, institution, page, per_page, sort, expand."""
    query = SearchRequest.from_args(request.args)
    found = perform(query, highlight=False)
    results = []
    for expert in found["experts"]:
        row = expert_json(expert)
        row["score"], row["why"], row["alike"] = expert["score"], expert["why"], expert["alike"]
        results.append({k: row[k] for k in ("id", "name", "title", "institution", "country", "department",
                                             "interests", "profile_url", "url", "score", "last_verified", "why",
                                             "alike")})
    expansions = [{"topic": e.concept.id, "name": e.concept.name, "matched": e.matched, "terms": e.terms(query.q)}
                  for e in found["expansions"]]
    return respond({"query": query.q, "country": query.country, "region": query.region, "topic": query.topic,
                    "institution": query.institution,
                    "total": found["total"], "alike_total": found["alike_total"], "page": query.page,
                    "per_page": query.per_page, "results": results,
                    "facets": found["facets"], "expansions": expansions, "did_you_mean": found["suggestion"]})


@bp.get(V1 + "/experts/<expert_id>")
def expert(expert_id):
    found = get_store().expert(expert_id)
    if found is None:
        return error_response(404, f"No expert with id {expert_id!r}.")
    return respond(expert_json(found))


@bp.get(V1 + "/countries")
def country_list():
    counts = country_counts()
    return respond({"countries": [{"code": code, "name": countries.country_name(code), "experts": n,
                                   "regions": countries.regions_of(code)} for code, n in counts.items() if code]})


@bp.get(V1 + "/regions")
def region_list():
    return respond({"regions": [{"key": key, "name": label, "countries": sorted(countries.countries_in(key))}
                                for key, label in countries.region_labels().items()]})


@bp.get(V1 + "/institutions")
def institution_list():
    country = (request.args.get("country") or "").upper() or None
    if country and not countries.is_country(country):
        raise QueryError(f"Unknown country code {country!r}.")
    page, limit = page_args()
    rows = institution_counts(country, limit, (page - 1) * limit)
    return respond({"page": page, "per_page": limit,
                    "institutions": [{"name": n, "country": c, "experts": k} for n, c, k in rows]})


@bp.get(V1 + "/topics")
def topic_list():
    counts = topic_counts()
    return respond({"topics": [{"id": c.id, "name": c.name, "field": c.field, "experts": counts.get(c.id, 0),
                                "labels": {k: list(v) for k, v in c.labels.items()}} for c in thesaurus.concepts()]})


@bp.get(V1 + "/topics/suggest")
def topic_suggestions():
    """OpenSearch suggestions: ["prefix", ["completion", ...]]."""
    prefix = (request.args.get("q") or "")[:100]
    return respond([prefix, thesaurus.suggest(prefix)])


@bp.get(V1 + "/stats")
def stats():
    return respond(get_store().stats())


@bp.get(V1 + "/openapi.json")
def openapi():
    spec = openapi_document()
    spec["servers"] = [{"url": request.url_root.rstrip("/") + "/api/v1"}]
    return jsonify(spec)


@bp.route("/<path:_rest>")
def not_found(_rest):
    return error_response(404, "No such API endpoint; see /api/docs.")

