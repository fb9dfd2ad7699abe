"""JSON API v1. Every error has one shape: {"error": {"status": N, "message": "..."}}."""
from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from directory.db import get_store
from directory.queries import SearchRequest, perform
from directory.search import IndexUnavailable, QueryError
from directory.store import export_row

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error_response(status, message):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


@bp.errorhandler(QueryError)
def bad_query(error):
    return error_response(400, str(error))


@bp.errorhandler(IndexUnavailable)
def no_index(_error):
    return error_response(503, "The search index is being rebuilt or is unavailable; try again shortly.")


@bp.errorhandler(HTTPException)
def http_error(error):
    return error_response(error.code, error.description)


def expert_json(expert):
    row = export_row(expert)
    row["url"] = url_for("views.expert", expert_id=expert["id"], _external=True)
    row["country_name"] = expert.get("country_name")
    row["regions"] = expert.get("regions", [])
    return row


@bp.get("/search")
def search():
    """Search experts: q, country, region, page, per_page, sort."""
    query = SearchRequest.from_args(request.args)
    found = perform(query)
    results = []
    for expert in found["experts"]:
        row = expert_json(expert)
        row["score"] = expert["score"]
        results.append({k: row[k] for k in ("id", "name", "title", "institution", "country", "department",
                                             "interests", "profile_url", "url", "score", "last_verified")})
    expansions = [{"topic": e.concept.id, "name": e.concept.name, "matched": e.matched, "terms": e.terms(query.q)}
                  for e in found["expansions"]]
    return jsonify({"query": query.q, "country": query.country, "region": query.region, "topic": query.topic,
                    "total": found["total"], "page": query.page, "per_page": query.per_page, "results": results,
                    "facets": found["facets"], "expansions": expansions})


@bp.get("/experts/<expert_id>")
def expert(expert_id):
    found = get_store().expert(expert_id)
    if found is None:
        return error_response(404, f"No expert with id {expert_id!r}.")
    return jsonify(expert_json(found))


@bp.route("/<path:_rest>")
def not_found(_rest):
    return error_response(404, "No such API endpoint; see the README for /api/v1.")
