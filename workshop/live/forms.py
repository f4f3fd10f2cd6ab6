"""The coach's new-workshop form (shape only; the service checks the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class WorkshopForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120)],
                        render_kw={"placeholder": "Q1 planning"})
    team_name = StringField("Team", validators=[DataRequired(), Length(max=120)],
                            render_kw={"placeholder": "Platform team"})
    cycle_label = StringField("Cycle", validators=[DataRequired(), Length(max=40)],
                              render_kw={"placeholder": "2027 Q1"})
    votes_per_participant = IntegerField("Votes per participant", default=3,
                                         validators=[InputRequired(), NumberRange(1, 20)])
    max_votes_per_item = IntegerField("Most votes one person may put on one item",
                                      validators=[Optional(), NumberRange(1, 20)])
    objectives_to_keep = IntegerField("Objectives to keep (1-3)", default=3,
                                      validators=[InputRequired(), NumberRange(1, 3)])
    key_results_to_keep = IntegerField("Key results to keep per objective (2-4)", default=3,
                                       validators=[InputRequired(), NumberRange(2, 4)])
    is_hiding_results = BooleanField("Hide results until I reveal them", default=True)
    is_anonymous = BooleanField("Anonymous (participants give no name)")
    submit = SubmitField("Create workshop")
