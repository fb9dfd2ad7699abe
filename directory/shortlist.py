"""A shortlist without an account: expert ids kept in the browser's signed session cookie."""
import io

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from directory.db import get_store
from directory.exports import vcard, write_csv
from directory.store import export_row

bp = Blueprint("shortlist", __name__, url_prefix="/shortlist")
MOST = 100


def shortlisted():
    return [i for i in session.get("shortlist", []) if isinstance(i, str)][:MOST]


@bp.app_template_global()
def on_shortlist(expert_id):
    return expert_id in session.get("shortlist", [])


@bp.post("/")
def change():
    """Add or remove one expert (a form post, so it works without JavaScript)."""
    ids = shortlisted()
    expert_id = request.form.get("id", "")
    if request.form.get("action") == "remove":
        ids = [i for i in ids if i != expert_id]
    elif get_store().expert(expert_id) is not None and expert_id not in ids:
        ids = (ids + [expert_id])[-MOST:]
    session["shortlist"] = ids
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("shortlist.show"))


@bp.get("/")
def show():
    return render_template("shortlist.html", experts=get_store().experts(shortlisted()))


@bp.get("/shortlist.csv")
def as_csv():
    out = io.StringIO()
    write_csv(out, (export_row(e) for e in get_store().experts(shortlisted())))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=shortlist.csv"})


@bp.get("/shortlist.vcf")
def as_vcard():
    cards = "".join(vcard(e) for e in get_store().experts(shortlisted()))
    return Response(cards, mimetype="text/vcard", headers={"Content-Disposition": "attachment; filename=shortlist.vcf"})
