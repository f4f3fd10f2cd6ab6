"""Certificate forms (shape only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class IssueForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    override_reason = TextAreaField("Override reason (only to issue despite missing "
                                    "requirements; recorded)",
                                    validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Issue certificate")


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason for revoking (shown on the verify page)",
                           validators=[DataRequired(), Length(min=10, max=1000)])
    submit = SubmitField("Revoke")


class ReissueForm(FlaskForm):
    holder_name = StringField("Name to print", validators=[DataRequired(), Length(max=120)])
    reason = TextAreaField("Reason (e.g. legal name change)",
                           validators=[DataRequired(), Length(min=10, max=1000)])
    submit = SubmitField("Reissue")


class VerifyUploadForm(FlaskForm):
    pdf = FileField("Certificate PDF", validators=[FileRequired("Choose the PDF file.")])
    submit = SubmitField("Check the file")


class EnrolForm(FlaskForm):
    submit = SubmitField("Enrol")
