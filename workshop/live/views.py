"""HTTP adapter for live workshops: joining, the phone page, the coach console, the big screen."""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workshop.accounts.access import role_required
from workshop.errors import RateLimited, WorkshopError
from workshop.extensions import csrf, db
from workshop.forms import show_error
from workshop.live import listing, phases, services
from workshop.live.broadcast import get_broadcaster
from workshop.live.forms import WorkshopForm

bp = Blueprint("live", __name__, template_folder="templates")


def _error(exc: WorkshopError):
    response = jsonify(exc.to_ack())
    response.status_code = exc.status
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _client_ip() -> str:
    return request.remote_addr or "unknown"


# -- participants --------------------------------------------------------------------------

@bp.get("/j")
def join_by_form():
    """The start page's code box: send the phone to the join page of that code."""
    code = services.normalise_code(request.args.get("code", ""))
    if not code:
        return redirect(url_for("home.index"))
    return redirect(url_for("live.join_page", code=code))


@bp.get("/j/<code>")
def join_page(code: str):
    try:
        workshop = services.find_open_workshop(code, client_ip=_client_ip())
    except WorkshopError as exc:
        return render_template("live/join_missing.html", code=services.normalise_code(code),
                               message=exc.message), exc.status
    return render_template("live/join.html", workshop=workshop)


@bp.get("/j/<code>/qr.svg")
def join_qr(code: str):
    code = services.normalise_code(code)
    if len(code) != services.CODE_LENGTH:
        abort(404)
    url = url_for("live.join_page", code=code, _external=True)
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#14181f",
                                     xmldecl=False)
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/w/<code>")
def phone_page(code: str):
    """The participant's app; the phone's stored pass decides who they are."""
    return render_template("live/phone.html", code=services.normalise_code(code))


@bp.get("/live/api/workshops/<code>")
def workshop_by_code(code: str):
    """What a phone shows before joining: the title and whether names are asked for."""
    try:
        workshop = services.find_open_workshop(code, client_ip=_client_ip())
    except WorkshopError as exc:
        return _error(exc)
    return jsonify({"ok": True, "workshop": {
        "title": workshop.title, "team_name": workshop.team_name,
        "join_code": workshop.join_code, "is_anonymous": workshop.is_anonymous}})


@bp.post("/live/api/join")
@csrf.exempt  # JSON only: a cross-site form cannot send application/json without CORS
def join():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify({"ok": False, "error": "invalid_payload",
                        "message": "Send a JSON object with code and display_name."}), 400
    try:
        workshop = services.find_open_workshop(data.get("code"), client_ip=_client_ip())
        participant, token = services.join_workshop(workshop, data.get("display_name"))
        db.session.commit()
    except WorkshopError as exc:
        db.session.rollback()
        return _error(exc)
    # The room's counts and the coach's participant list change.
    get_broadcaster(current_app).mark(workshop.id, changed_state=True)
    return jsonify({"ok": True, "token": token, "participant_id": participant.id,
                    "workshop_id": workshop.id, "join_code": workshop.join_code})


# -- coach ---------------------------------------------------------------------------------

@bp.get("/live/workshops")
@role_required("coach")
def workshops():
    rows = listing.list_coach_workshops_with_counts(current_user.id)
    return render_template("live/workshops.html", rows=rows, labels=phases.LABELS)


@bp.route("/live/workshops/new", methods=["GET", "POST"])
@role_required("coach")
def new_workshop():
    form = WorkshopForm()
    status = 200
    if form.validate_on_submit():
        try:
            workshop = services.create_workshop(
                current_user.id, title=form.title.data, team_name=form.team_name.data,
                cycle_label=form.cycle_label.data,
                votes_per_participant=form.votes_per_participant.data,
                max_votes_per_item=form.max_votes_per_item.data,
                objectives_to_keep=form.objectives_to_keep.data,
                key_results_to_keep=form.key_results_to_keep.data,
                is_hiding_results=form.is_hiding_results.data,
                is_anonymous=form.is_anonymous.data)
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 400
        else:
            db.session.commit()
            return redirect(url_for("live.console", workshop_id=workshop.id))
    elif form.is_submitted():
        status = 400
    return render_template("live/new.html", form=form), status


def _coached(workshop_id: int):
    return services.get_coached_workshop(workshop_id, current_user)


@bp.get("/live/workshops/<int:workshop_id>")
@role_required("coach")
def console(workshop_id: int):
    return render_template("live/console.html", workshop=_coached(workshop_id))


@bp.get("/live/workshops/<int:workshop_id>/screen")
@role_required("coach")
def screen(workshop_id: int):
    return render_template("live/screen.html", workshop=_coached(workshop_id))


@bp.get("/live/workshops/<int:workshop_id>/export.<fmt>")
@role_required("coach")
def export(workshop_id: int, fmt: str):
    from workshop.live import export as exporter

    workshop = _coached(workshop_id)
    if fmt not in exporter.FORMATS:
        abort(404, "Exports come as .pdf, .csv or .md.")
    body, mimetype = exporter.render(workshop, fmt)
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    filename = f"okr-workshop-{workshop.id}-{workshop.join_code.lower()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

