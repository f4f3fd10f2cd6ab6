"""Programme admin pages: cohort table, issuing (one or in bulk), revoke and reissue."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workshop.accounts.access import role_required
from workshop.accounts.models import User
from workshop.certificates import issuing, services
from workshop.certificates.forms import IssueForm, ReissueForm, RevokeForm
from workshop.db import MAX_INTEGER
from workshop.errors import NotFound, WorkshopError
from workshop.extensions import db
from workshop.forms import show_error

bp = Blueprint("certificates_admin", __name__, url_prefix="/admin/certificates",
               template_folder="templates")
def _issuer() -> issuing.Issuer:
    return issuing.Issuer(current_user.id, current_user.display_name)


def _settings() -> dict:
    cfg = current_app.config
    return {"public_url": cfg["PUBLIC_URL"] or request.url_root,
            "programme": cfg["CERTIFICATE_PROGRAMME"]}


@bp.get("")
@role_required("admin")
def index():
    track_slug = request.args.get("track") or None
    status = request.args.get("status") or None
    sort = request.args.get("sort", "track")
    rows = services.cohort(track_slug, status, sort)
    db.session.commit()
    if request.args.get("format") == "csv":
        return _csv(rows)
    return render_template("certificates/admin_cohort.html", rows=rows,
                           tracks=services.list_tracks(), track_slug=track_slug, status=status,
                           sort=sort, form=IssueForm())


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(rows: list[dict]):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["trainee", "email", "track", "progress_percent", "eligible_since",
                     "status", "certificate_code"])
    for r in rows:
        since = r["progress"].eligible_since
        cert = r["progress"].certificate
        writer.writerow([_cell(r["user"].display_name), _cell(r["user"].email),
                         r["track"].title, r["progress"].percent,
                         since.date().isoformat() if since else "", r["state"],
                         cert.verification_code if cert else ""])
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="cohort.csv"'
    return response


@bp.post("/tracks/<slug>/issue")
@role_required("admin")
def issue(slug: str):
    """Issue one certificate (the cohort table's button, and each step of a bulk run)."""
    form = IssueForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if (not form.validate_on_submit() or not form.user_id.data.isascii()
                or not form.user_id.data.isdigit()):
            raise issuing.InvalidInput("The form was incomplete; reload the page and try again.")
        track = services.get_track(slug)
        user_id = int(form.user_id.data)
        user = db.session.get(User, user_id) if user_id <= MAX_INTEGER else None
        if user is None:
            raise NotFound("No such user.")
        cert = issuing.issue_certificate(user, track, _issuer(),
                                         override_reason=form.override_reason.data or None,
                                         **_settings())
        db.session.commit()
    except WorkshopError as exc:
        db.session.rollback()
        if wants_json:
            response = jsonify(exc.to_ack())
            response.status_code = exc.status
            return response
        flash(exc.message, "error")
        return redirect(url_for(".index", track=slug))
    if wants_json:
        return jsonify({"ok": True, "code": cert.verification_code})
    flash(f"Certificate issued to {cert.holder_name}: code {cert.verification_code}.", "success")
    return redirect(url_for(".detail", code=cert.verification_code))


@bp.get("/tracks/<slug>/bulk")
@role_required("admin")
def bulk(slug: str):
    """The bulk page: lists the eligible people; its script issues them one by one."""
    track = services.get_track(slug)
    candidates = [db.session.get(User, uid) for uid in issuing.bulk_candidates(track)]
    db.session.commit()
    return render_template("certificates/admin_bulk.html", track=track, people=candidates,
                           form=IssueForm())


@bp.route("/<code>", methods=["GET"])
@role_required("admin")
def detail(code: str):
    cert = issuing.get_certificate(code)
    reissue_form = ReissueForm(holder_name=cert.holder_name)
    return render_template("certificates/admin_detail.html", cert=cert,
                           events=issuing.events(cert), revoke_form=RevokeForm(),
                           reissue_form=reissue_form)


@bp.post("/<code>/revoke")
@role_required("admin")
def revoke(code: str):
    cert = issuing.get_certificate(code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            issuing.revoke(cert, _issuer(), form.reason.data)
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash("The certificate is revoked; the verify page says so.", "success")
            return redirect(url_for(".detail", code=code))
    return render_template("certificates/admin_detail.html", cert=cert,
                           events=issuing.events(cert), revoke_form=form,
                           reissue_form=ReissueForm(holder_name=cert.holder_name)), 400


@bp.post("/<code>/reissue")
@role_required("admin")
def reissue(code: str):
    cert = issuing.get_certificate(code)
    form = ReissueForm()
    if form.validate_on_submit():
        try:
            new = issuing.reissue(cert, _issuer(), holder_name=form.holder_name.data,
                                  reason=form.reason.data, **_settings())
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"Reissued as {new.verification_code}; the old one is marked superseded.",
                  "success")
            return redirect(url_for(".detail", code=new.verification_code))
    return render_template("certificates/admin_detail.html", cert=cert,
                           events=issuing.events(cert), revoke_form=RevokeForm(),
                           reissue_form=form), 400
