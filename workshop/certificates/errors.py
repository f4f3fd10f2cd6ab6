"""Refusals of the certificates feature."""

from __future__ import annotations

from workshop.errors import Conflict, NotFound, WorkshopError


class NotEligible(WorkshopError):
    code = "not_eligible"


class AlreadyCertified(Conflict):
    code = "already_certified"


class CannotPrint(WorkshopError):
    code = "cannot_print"


class UnknownCertificate(NotFound):
    code = "unknown_certificate"


class UnknownTrack(NotFound):
    code = "unknown_track"


class InvalidInput(WorkshopError):
    code = "invalid_input"
