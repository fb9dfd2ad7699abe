"""One error layer (directory/errors.py): JSON for the API's blueprint, the site's own page for the rest."""
import ast
from pathlib import Path

import pytest

from directory.store import Store

WEB_MODULES = ["views", "api", "intermediaries", "shortlist", "curator"]


def broken(*_args, **_kwargs):
    raise RuntimeError("a bug no code foresaw")


@pytest.fixture
def unguarded(app):
    """The app as in production: an exception is answered, not raised into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app.test_client()


def test_an_unforeseen_error_is_the_sites_own_500_page(unguarded, monkeypatch):
    monkeypatch.setattr(Store, "expert_count", broken)
    response = unguarded.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Something went wrong on our side" in page and 'href="/browse"' in page  # our template, with its header


def test_an_unforeseen_error_in_the_api_is_the_one_json_shape(unguarded, monkeypatch):
    monkeypatch.setattr(Store, "stats", broken)
    response = unguarded.get("/api/v1/stats")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert response.get_json() == {"error": {"status": 500,
                                             "message": "Internal server error; please try again later."}}


def test_errors_follow_the_blueprint_not_the_path(client):
    docs = client.get("/api/docs")  # a page for people, though under /api/
    assert docs.status_code == 200 and docs.mimetype == "text/html"
    missing = client.get("/experts/nobody")
    assert missing.status_code == 404 and "That page does not exist." in missing.get_data(as_text=True)
    wrong = client.post("/browse")
    assert wrong.status_code == 405 and wrong.mimetype == "text/html" and "GET" in wrong.headers["Allow"]
    assert client.get("/api/v9/anything").get_json()["error"]["status"] == 404


def test_web_modules_do_not_import_each_other():
    folder = Path(__file__).parent.parent / "directory"
    for name in WEB_MODULES:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {f"directory.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     and node.module == "directory" for alias in node.names}
        assert not imported & {f"directory.{other}" for other in WEB_MODULES if other != name}, name
