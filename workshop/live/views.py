"""HTTP adapter for live workshops: joining by code (JSON API used by the phone page)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from workshop.errors import WorkshopError
from workshop.extensions import csrf, db
from workshop.live import services

bp = Blueprint("live", __name__, template_folder="templates")


def _error(exc: WorkshopError):
    response = jsonify(exc.to_ack())
    response.status_code = exc.status
    if getattr(exc, "retry_after", None):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.get("/live/api/workshops/<code>")
def workshop_by_code(code: str):
    """What a phone shows before joining: the title and whether names are asked for."""
    try:
        workshop = services.find_open_workshop(code, client_ip=request.remote_addr or "?")
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
        workshop = services.find_open_workshop(data.get("code"),
                                               client_ip=request.remote_addr or "?")
        participant, token = services.join_workshop(workshop, data.get("display_name"))
        db.session.commit()
    except WorkshopError as exc:
        db.session.rollback()
        return _error(exc)
    return jsonify({"ok": True, "token": token, "participant_id": participant.id,
                    "workshop_id": workshop.id, "join_code": workshop.join_code})
