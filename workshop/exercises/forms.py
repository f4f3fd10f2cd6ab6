"""Exercise forms: shape only; the rules live in services. Attempt answers are parsed in
``answers.py`` because their fields depend on the questions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional


class StartForm(FlaskForm):
    submit = SubmitField("Start")


class PublishForm(FlaskForm):
    submit = SubmitField("Save")


class GiftImportForm(FlaskForm):
    file = FileField("GIFT file (.gift or .txt, UTF-8, at most 1 MB)",
                     validators=[FileRequired("Choose a GIFT file to import.")])
    set_slug = StringField("Exercise set slug", validators=[Optional(), Length(max=100)],
                           render_kw={"autocapitalize": "none", "spellcheck": "false"})
    category = StringField("Category", validators=[Optional(), Length(max=200)])
    title = StringField("Title of a new set", validators=[Optional(), Length(max=200)])
    topic = StringField("Topic of a new set", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Import")


class SetRulesForm(FlaskForm):
    """An imported set's details and attempt rules: shape only; ``catalog.update_set`` owns the
    ranges and puts its refusals on these fields."""

    title = StringField("Title", validators=[InputRequired("Give the set a title."),
                                             Length(max=200)])
    topic = StringField("Topic", validators=[InputRequired("Give the set a topic."),
                                             Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=5000)],
                                render_kw={"rows": 4})
    max_attempts = IntegerField(
        "Attempts allowed",
        validators=[InputRequired("Say how many attempts a trainee has (1 to 100).")],
        render_kw={"inputmode": "numeric"})
    grade_kept = SelectField("Grade that counts", choices=[
        SelectChoice("highest", "The highest attempt"), SelectChoice("last", "The last attempt")])
    pass_mark = IntegerField(
        "Pass mark (%)",
        validators=[InputRequired("Give a pass mark between 0 and 100.")],
        render_kw={"inputmode": "numeric"})
    time_limit_minutes = IntegerField("Time limit (minutes)", validators=[Optional()],
                                      render_kw={"inputmode": "numeric"})
    submit = SubmitField("Save")
