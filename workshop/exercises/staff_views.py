"""Coach and admin pages: results per trainee and per question, CSV, GIFT import/export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workshop.accounts import services as accounts
from workshop.accounts.access import role_required
from workshop.errors import WorkshopError
from workshop.exercises import catalog, model, services, stats
from workshop.exercises.errors import ImportProblems
from workshop.exercises.forms import GiftImportForm, PublishForm, SetRulesForm
from workshop.exercises.gift import GIFT_TYPES, export_gift
from workshop.exercises.views import STAFF, bp
from workshop.extensions import db
from workshop.forms import show_error


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/results")
@role_required(*STAFF)
def results():
    rows = stats.trainee_results()
    db.session.commit()
    return render_template("exercises/results.html", rows=rows, sets=catalog.list_all_sets())


@bp.get("/results.csv")
@role_required(*STAFF)
def results_csv():
    rows = stats.trainee_results()
    db.session.commit()
    return _csv(stats.trainee_csv(rows), "exercise-results.csv")


@bp.get("/results/sets/<slug>")
@role_required(*STAFF)
def set_results(slug: str):
    exercise_set = catalog.get_set(slug)
    questions = stats.question_stats(exercise_set)
    rows = stats.trainee_results(set_id=exercise_set.id)
    db.session.commit()
    return render_template("exercises/set_results.html", exercise_set=exercise_set,
                           questions=questions, rows=rows)


@bp.get("/results/sets/<slug>/questions.csv")
@role_required(*STAFF)
def set_questions_csv(slug: str):
    exercise_set = catalog.get_set(slug)
    questions = stats.question_stats(exercise_set)
    db.session.commit()
    return _csv(stats.question_csv(questions), f"{exercise_set.slug}-questions.csv")


@bp.get("/results/trainees/<int:user_id>")
@role_required(*STAFF)
def trainee_results(user_id: int):
    trainee = accounts.get_user(user_id)
    attempts = services.user_attempts(trainee.id)
    db.session.commit()
    return render_template("exercises/trainee_results.html", trainee=trainee,
                           attempts=attempts)


@bp.get("/manage")
@role_required("admin")
def manage():
    return render_template("exercises/manage.html", sets=catalog.list_all_sets(),
                           form=PublishForm())


@bp.post("/manage/sets/<slug>/publish")
@role_required("admin")
def publish(slug: str):
    exercise_set = catalog.get_set(slug)
    if not PublishForm().validate_on_submit():
        abort(400, "The form could not be read; reload the page and try again.")
    show = request.form.get("publish") == "1"
    try:
        catalog.set_published(exercise_set, show, actor_id=current_user.id)
    except WorkshopError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"{exercise_set.title} is now {'shown to' if show else 'hidden from'} trainees.",
              "success")
    return redirect(url_for("exercises.manage"))


@bp.route("/manage/sets/<slug>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_set(slug: str):
    exercise_set = catalog.get_set(slug)
    form = SetRulesForm()
    status = 200
    if request.method == "GET":
        form.title.data, form.topic.data = exercise_set.title, exercise_set.topic
        form.description.data = exercise_set.description
        form.max_attempts.data = exercise_set.max_attempts
        form.grade_kept.data = exercise_set.grade_kept
        form.pass_mark.data = round(exercise_set.pass_mark * 100)
        form.time_limit_minutes.data = exercise_set.time_limit_minutes
    elif form.validate_on_submit():
        rules = model.AttemptRules(
            max_attempts=form.max_attempts.data, grade_kept=form.grade_kept.data,
            pass_mark=form.pass_mark.data / 100,
            time_limit_minutes=form.time_limit_minutes.data)
        try:
            changed = catalog.update_set(
                exercise_set, title=form.title.data, topic=form.topic.data,
                description=form.description.data or "", rules=rules,
                actor_id=current_user.id)
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(f"Saved {exercise_set.title}." if changed else "Nothing to change.",
                  "success")
            return redirect(url_for("exercises.manage"))
    else:
        status = 400
    return render_template("exercises/edit_set.html", form=form, exercise_set=exercise_set,
                           history=catalog.set_history(exercise_set)), status


@bp.route("/manage/import", methods=["GET", "POST"])
@role_required("admin")
def import_gift():
    form = GiftImportForm()
    problems: list[tuple[int, str]] = []
    status = 200
    if form.validate_on_submit():
        raw = form.file.data.read(catalog.MAX_GIFT_BYTES + 1)
        try:
            if len(raw) > catalog.MAX_GIFT_BYTES:
                raise ImportProblems([(0, "the file is larger than 1 MB")])
            text = raw.decode("utf-8-sig")
            if "\x00" in text:  # PostgreSQL cannot store it, and no GIFT file holds it
                raise ImportProblems([(0, "the file contains NUL characters: is it a GIFT "
                                          "text file?")])
            exercise_set, report = catalog.import_gift(
                text, set_slug=form.set_slug.data or None, category=form.category.data or None,
                title=form.title.data or None, topic=form.topic.data or None,
                actor_id=current_user.id)
        except UnicodeDecodeError:
            form.file.errors.append("The file is not UTF-8 text; save it as UTF-8 and retry.")
            status = 400
        except WorkshopError as exc:
            db.session.rollback()
            show_error(form, exc)
            problems = exc.problems if isinstance(exc, ImportProblems) else []
            status = 400
        else:
            db.session.commit()
            flash(f"Imported into {exercise_set.slug}: {len(report.added)} added, "
                  f"{len(report.updated)} updated, {report.unchanged} unchanged."
                  + ("" if exercise_set.is_published else " Publish the set when ready."),
                  "success")
            return redirect(url_for("exercises.manage"))
    elif form.is_submitted():
        status = 400
    return render_template("exercises/import.html", form=form, problems=problems), status


@bp.get("/manage/export.gift")
@role_required("admin")
def export():
    slug = request.args.get("set") or None
    questions = catalog.questions_for_export(slug)
    text = export_gift([q for q in questions if q.type in GIFT_TYPES])
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{slug or "exercises"}.gift"'})
