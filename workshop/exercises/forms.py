"""Exercise forms: shape only; the rules live in services. Attempt answers are parsed in
``answers.py`` because their fields depend on the questions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional


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
