"""A shortlist without an account: expert ids kept in the browser's signed session cookie, which lasts a year
(PERMANENT_SESSION_LIFETIME) so that closing the browser keeps it, and can be shared as a link."""
import io
import re

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from directory.db import get_store
from directory.exports import export_row, vcard, write_csv

bp = Blueprint("shortlist", __name__, url_prefix="/shortlist")
MOST = 100
EXPERT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def shortlisted():
    return [i for i in session.get("shortlist", []) if isinstance(i, str)][:MOST]


def shared_ids():
    """The ids a shared link names (``?ids=a,b,c``), or None when it names none."""
    if "ids" not in request.args:
        return None
    return list(dict.fromkeys(i for i in request.args["ids"].split(",") if EXPERT_ID.match(i)))[:MOST]


def listed():
    """The experts of a shared link when the request has one, else this visitor's shortlist."""
    ids = shared_ids()
    return get_store().experts(shortlisted() if ids is None else ids)


def keep(ids):
    session["shortlist"] = ids
    session.permanent = True  # a dated cookie survives closing the browser; a session cookie would not


@bp.app_template_global()
def on_shortlist(expert_id):
    return expert_id in session.get("shortlist", [])


@bp.post("/")
def change():
    """Add or remove one expert, or add all of a shared list (form posts, so they work without JavaScript)."""
    ids = shortlisted()
    store = get_store()
    if request.form.get("action") == "remove":
        ids = [i for i in ids if i != request.form.get("id", "")]
    else:
        wanted = request.form.get("ids", request.form.get("id", "")).split(",")
        ids = (ids + [e["id"] for e in store.experts(list(dict.fromkeys(wanted))) if e["id"] not in ids])[-MOST:]
    keep(ids)
    return redirect(same_site_path(request.form.get("next", "")) or url_for("shortlist.show"))


def same_site_path(target):
    """``target`` if it is a path on this site, else None. Browsers drop tabs and newlines from a URL and read
    a backslash as a slash, so "/\t/evil.example" and "/\\evil.example" lead off-site: any control
    character or backslash refuses it (a CR or LF would also break the Location header)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or re.search(r"[\x00-\x20\x7f]", target):
        return None
    return target


@bp.get("/")
def show():
    """This visitor's shortlist, or with ``?ids=`` the list someone shared."""
    experts = listed()
    shared = shared_ids() is not None
    link = url_for("shortlist.show", ids=",".join(e["id"] for e in experts), _external=True) if experts else None
    return render_template("shortlist.html", experts=experts, shared=shared, share_link=link,
                           list_args={"ids": ",".join(e["id"] for e in experts)} if shared else {})


@bp.get("/shortlist.csv")
def as_csv():
    out = io.StringIO()
    write_csv(out, (export_row(e) for e in listed()))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=shortlist.csv"})


@bp.get("/shortlist.vcf")
def as_vcard():
    cards = "".join(vcard(e) for e in listed())
    return Response(cards, mimetype="text/vcard", headers={"Content-Disposition": "attachment; filename=shortlist.vcf"})
