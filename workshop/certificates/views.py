"""Trainee pages (tracks, progress, own certificates) and the public verify page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from workshop import ratelimit
from workshop.accounts.access import role_required
from workshop.certificates import issuing, services
from workshop.certificates.forms import EnrolForm, VerifyUploadForm
from workshop.errors import WorkshopError
from workshop.extensions import csrf, db

bp = Blueprint("certificates", __name__, template_folder="templates")
VERIFY_LOOKUPS = ratelimit.Limit("verify", 60, 10 * 60)


@bp.get("/tracks")
@role_required("trainee")
def tracks():
    enrolled = services.enrolled_track_ids(current_user.id)
    rows = [(t, services.track_progress(current_user.id, t) if t.id in enrolled else None)
            for t in services.list_tracks()]
    db.session.commit()  # progress may have closed timed-out attempts
    return render_template("certificates/tracks.html", rows=rows, form=EnrolForm())


@bp.post("/tracks/<slug>/enrol")
@role_required("trainee")
def enrol(slug: str):
    if not EnrolForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    track = services.get_track(slug)
    services.enrol(current_user.id, track)
    db.session.commit()
    flash(f"You are enrolled in {track.title}.", "success")
    return redirect(url_for("certificates.track", slug=slug))


@bp.get("/tracks/<slug>")
@role_required("trainee")
def track(slug: str):
    track = services.get_track(slug)
    progress = services.track_progress(current_user.id, track)
    db.session.commit()
    enrolled = track.id in services.enrolled_track_ids(current_user.id)
    return render_template("certificates/track.html", track=track, progress=progress,
                           enrolled=enrolled, form=EnrolForm())


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str):
    cert = issuing.get_certificate(code)
    if cert.user_id != current_user.id and not current_user.has_role("admin"):
        abort(404)
    response = make_response(cert.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{cert.verification_code}.pdf"')
    return response


def _lookup(code: str):
    ratelimit.check(VERIFY_LOOKUPS, request.remote_addr or "unknown",
                    "Too many certificate lookups from this network.")
    return issuing.get_certificate(code)


@bp.get("/verify/<code>.json")
def verify_json(code: str):
    try:
        cert = _lookup(code)
    except WorkshopError as exc:
        response = jsonify(exc.to_ack())
        response.status_code = exc.status
        return response
    return jsonify({"ok": True, "certificate": issuing.public_record(cert)})


@bp.route("/verify/<code>", methods=["GET", "POST"])
@csrf.exempt  # anyone may check a file; nothing is changed by it
def verify(code: str):
    if code.endswith(".json"):
        return verify_json(code[:-5])
    try:
        cert = _lookup(code)
    except WorkshopError as exc:
        return render_template("certificates/verify_missing.html", message=exc.message), \
            exc.status
    form = VerifyUploadForm(meta={"csrf": False})
    match = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = form.pdf.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
            match = issuing.matches_pdf(cert, data)
        else:
            status = 400
    return render_template("certificates/verify.html", cert=cert,
                           record=issuing.public_record(cert), form=form, match=match), status


@bp.get("/verify")
def verify_form():
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify_missing.html", message=None)
