"""Trainee pages: sets by topic, attempts with autosave, results and history."""

from __future__ import annotations

import logging
from itertools import groupby

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from workshop.accounts.access import role_required
from workshop.errors import WorkshopError
from workshop.exercises import answers as answer_forms
from workshop.exercises import catalog, services
from workshop.exercises.errors import InvalidAnswers
from workshop.exercises.forms import StartForm
from workshop.exercises.markdown import render_text
from workshop.exercises.model import presentation_order
from workshop.exercises.models import EXPIRED
from workshop.extensions import db

logger = logging.getLogger(__name__)

bp = Blueprint("exercises", __name__, url_prefix="/exercises", template_folder="templates")
STAFF = ("coach", "admin")
ALREADY_GRADED_MESSAGE = "This attempt had already been submitted; here is its result."
TOO_LATE_MESSAGE = ("The time was up, so this attempt was graded with the answers saved before "
                    "the deadline.")


@bp.app_template_filter("exercise_html")
def exercise_html(text: str, text_format: str = "markdown", inline: bool = False) -> Markup:
    """Question content as safe HTML (the only Markup these pages render)."""
    html = render_text(text or "", text_format).strip()
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


@bp.before_request
def sync_bank_on_first_use():
    """On a fresh database, load the bank so the first trainee sees the exercises."""
    state = current_app.extensions["exercises"]
    if state["checked"] or not current_app.config["EXERCISES_AUTO_SYNC"]:
        return
    try:
        catalog.sync_bank_if_empty(current_app.config["EXERCISES_PATH"])
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker synced at the same moment
    state["checked"] = True


def _is_staff() -> bool:
    return any(current_user.has_role(role) for role in STAFF)


@bp.get("/")
@role_required("trainee")
def index():
    rows = services.progress(current_user.id, services.list_open_sets())
    db.session.commit()  # timed-out attempts were closed
    # Tracks come from the certificates feature, which offers them through this hook.
    tracks_of = current_app.extensions.get("exercise_set_tracks", lambda: {})()
    tracks = sorted({t for ts in tracks_of.values() for t in ts}, key=lambda t: t[2])
    chosen = request.args.get("track")
    if chosen:
        rows = [r for r in rows if any(t[0] == chosen for t in
                                       tracks_of.get(r.exercise_set.slug, ()))]
    topics = [(topic, list(items)) for topic, items in
              groupby(sorted(rows, key=lambda r: r.exercise_set.topic.casefold()),
                      key=lambda r: r.exercise_set.topic)]
    return render_template("exercises/index.html", topics=topics, tracks=tracks,
                           tracks_of=tracks_of, chosen=chosen)


@bp.get("/sets/<slug>")
@role_required("trainee")
def set_page(slug: str):
    exercise_set = services.get_open_set(slug)
    row = services.progress(current_user.id, [exercise_set])[0]
    attempts = services.user_attempts(current_user.id, set_id=exercise_set.id)
    db.session.commit()
    return render_template("exercises/set.html", row=row, attempts=attempts, form=StartForm())


@bp.post("/sets/<slug>/start")
@role_required("trainee")
def start(slug: str):
    exercise_set = services.get_open_set(slug)
    try:
        attempt = services.start_attempt(current_user.id, exercise_set)
    except WorkshopError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("exercises.set_page", slug=slug))
    db.session.commit()
    return redirect(url_for("exercises.attempt_page", attempt_id=attempt.id))


def _form_values(attempt, questions) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for row in attempt.answers:
        answer = None if row.response is None else row.response.get("value")
        for name, value in answer_forms.form_values(questions[row.position], row.position,
                                                    answer).items():
            values[name] = value if isinstance(value, list) else [value]
    return values


def _render_attempt(attempt, questions, values, errors, status=200):
    items = []
    for position, question in sorted(questions.items()):
        parts = {o.id: o for o in (*question.options, *question.pairs)}
        shown = [parts[i] for i in presentation_order(question, attempt.seed)]
        items.append((position, question, shown))
    return render_template("exercises/attempt.html", attempt=attempt, items=items,
                           values=values, errors=errors, grace=services.GRACE), status


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@role_required("trainee")
def attempt_page(attempt_id: int):
    attempt = services.get_attempt(attempt_id, viewer_id=current_user.id)
    if not attempt.is_open:
        db.session.commit()
        if request.method == "POST" and attempt.status == EXPIRED:
            flash(TOO_LATE_MESSAGE, "error")
        elif request.method == "POST":
            flash(ALREADY_GRADED_MESSAGE, "info")
        return redirect(url_for("exercises.result", attempt_id=attempt.id))
    questions = services.attempt_questions(attempt)
    if request.method == "GET":
        return _render_attempt(attempt, questions, _form_values(attempt, questions), {})
    answers, errors = answer_forms.parse_answers(questions, request.form)
    try:
        if errors and not services.is_time_up(attempt):
            raise InvalidAnswers(errors)
        if request.form.get("action") == "save":
            outcome = services.GRADED if services.save_answers(attempt, answers) else (
                services.TOO_LATE)
        else:
            outcome = services.submit_attempt(attempt, answers)
    except InvalidAnswers as exc:
        db.session.rollback()
        values = {k: request.form.getlist(k) for k in request.form if k != "csrf_token"}
        return _render_attempt(attempt, questions, values, exc.errors, 400)
    db.session.commit()
    if outcome == services.TOO_LATE:
        flash(TOO_LATE_MESSAGE, "error")
    elif outcome == services.ALREADY_GRADED:
        flash(ALREADY_GRADED_MESSAGE, "info")
    elif request.form.get("action") == "save":
        flash("Your answers are saved. Submit when you are ready.", "success")
        return redirect(url_for("exercises.attempt_page", attempt_id=attempt.id))
    return redirect(url_for("exercises.result", attempt_id=attempt.id))


@bp.post("/attempts/<int:attempt_id>/answers.json")
@role_required("trainee")
def autosave(attempt_id: int):
    attempt = services.get_attempt(attempt_id, viewer_id=current_user.id)
    result_url = url_for("exercises.result", attempt_id=attempt.id)
    if not attempt.is_open:
        db.session.commit()  # it may just have been closed at its time limit
        message = services.TIME_UP if attempt.status == EXPIRED else (
            "This attempt is already submitted.")
        return jsonify({"ok": False, "error": "attempt_closed", "message": message,
                        "result_url": result_url}), 409
    questions = services.attempt_questions(attempt)
    answers, errors = answer_forms.parse_answers(questions, request.form)
    try:
        if errors:
            raise InvalidAnswers(errors)
        saved = services.save_answers(attempt, answers)
    except WorkshopError as exc:
        db.session.rollback()
        body = exc.to_ack()
        if isinstance(exc, InvalidAnswers):
            body["errors"] = {str(k): v for k, v in exc.errors.items()}
        else:
            body["result_url"] = result_url
        return jsonify(body), exc.status
    db.session.commit()
    if not saved:
        return jsonify({"ok": False, "error": "attempt_closed", "result_url": result_url,
                        "message": services.TIME_UP}), 409
    return jsonify({"ok": True, "saved": sorted(answers)})


@bp.get("/attempts/<int:attempt_id>/result")
@role_required("trainee", *STAFF)
def result(attempt_id: int):
    attempt = services.get_attempt(attempt_id, viewer_id=current_user.id,
                                   is_staff=_is_staff())
    db.session.commit()
    if attempt.is_open:
        if attempt.user_id == current_user.id:
            return redirect(url_for("exercises.attempt_page", attempt_id=attempt.id))
        return render_template("exercises/in_progress.html", attempt=attempt)
    questions = services.attempt_questions(attempt)
    reviews = []
    for row in attempt.answers:
        question = questions[row.position]
        answer = None if row.response is None else row.response.get("value")
        rows, extra = answer_forms.review_rows(
            question, presentation_order(question, attempt.seed), answer, row.feedback or [])
        reviews.append({"row": row, "question": question, "answer": answer, "rows": rows,
                        "extra": extra, "accepted": answer_forms.accepted_answers(question)})
    owner = attempt.user_id == current_user.id
    return render_template("exercises/result.html", attempt=attempt, reviews=reviews,
                           owner=owner)


@bp.get("/history")
@role_required("trainee")
def history():
    attempts = services.user_attempts(current_user.id)
    db.session.commit()
    return render_template("exercises/history.html", attempts=attempts)
