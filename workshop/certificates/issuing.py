"""Issuing, revoking, reissuing and verifying certificates."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop.certificates.errors import (
    AlreadyCertified,
    CannotPrint,
    InvalidInput,
    NotEligible,
    UnknownCertificate,
)
from workshop.certificates.models import Certificate, CertificateEvent, Enrolment, Track
from workshop.certificates.pdf import CertificateData, render_certificate
from workshop.certificates.services import enrol, track_progress
from workshop.db import utcnow
from workshop.extensions import db
from workshop.pdf_fonts import MissingGlyph

logger = logging.getLogger(__name__)
CODE_BYTES = 20  # 160 bits from the OS's CSPRNG


@dataclass(frozen=True)
class Issuer:
    """Who acts: a signed-in admin (id and name) or the command line (id None)."""

    user_id: int | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} (user {self.user_id})" if self.user_id else self.name


def _reason(text: str | None, what: str) -> str:
    cleaned = " ".join((text or "").split())
    if len(cleaned) < 10:
        raise InvalidInput(f"Write a reason for the {what} (at least 10 characters).",
                           field="reason")
    if len(cleaned) > 1000:
        raise InvalidInput(f"Keep the reason for the {what} under 1,000 characters.",
                           field="reason")
    return cleaned


def _holder_name(name: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not cleaned or len(cleaned) > 120:
        raise InvalidInput("The name to print must have 1 to 120 characters.", field="holder_name")
    return cleaned


def _log(cert: Certificate, issuer: Issuer, action: str, detail: str = "") -> None:
    db.session.add(CertificateEvent(certificate_id=cert.id, actor_id=issuer.user_id,
                                    actor_label=issuer.label, action=action, detail=detail))


def _make(user, track: Track, issuer: Issuer, *, holder_name: str, public_url: str,
          programme: str, override_reason: str | None) -> Certificate:
    code = secrets.token_urlsafe(CODE_BYTES)
    now = utcnow()
    data = CertificateData(holder_name=holder_name, track_title=track.title, programme=programme,
                           issued_on=now.date(), issuer_name=issuer.name, verification_code=code,
                           verify_url=f"{public_url.rstrip('/')}/verify/{code}")
    try:
        pdf = render_certificate(data)
    except MissingGlyph as exc:
        raise CannotPrint(f"Cannot print this certificate: {exc} Correct the name (or ask "
                          "for a font that covers it) and try again.",
                          field="holder_name") from exc
    cert = Certificate(user_id=user.id, track_id=track.id, holder_name=holder_name,
                       track_title=track.title, issuer_id=issuer.user_id, issuer_name=issuer.name,
                       issued_on=now.date(), issued_at=now, verification_code=code,
                       pdf_sha256=hashlib.sha256(pdf).hexdigest(), pdf=pdf,
                       override_reason=override_reason)
    db.session.add(cert)
    return cert


def issue_certificate(user, track: Track, issuer: Issuer, *, public_url: str, programme: str,
                      override_reason: str | None = None) -> Certificate:
    """Issue ``track``'s certificate to ``user`` if eligible (or with a written override).

    Raises AlreadyCertified, NotEligible (with what is missing), InvalidInput for a short
    override reason, CannotPrint when a character of the name has no bundled glyph.
    """
    progress = track_progress(user.id, track)
    if progress.certificate is not None:
        raise AlreadyCertified(f"{user.display_name} already holds the {track.title} certificate.")
    if override_reason is not None:
        override_reason = _reason(override_reason, "override")
    elif not progress.is_eligible:
        raise NotEligible(f"{user.display_name} is not eligible for {track.title} yet: "
                          + "; ".join(progress.missing) + ".")
    cert = _make(user, track, issuer, holder_name=_holder_name(user.display_name),
                 public_url=public_url, programme=programme, override_reason=override_reason)
    enrol(user.id, track)  # so the cohort table shows everyone who holds the certificate
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # a parallel issue won the race: the constraint says one
        raise AlreadyCertified(f"{user.display_name} already holds the {track.title} "
                               "certificate.") from exc
    _log(cert, issuer, "override" if override_reason else "issue", override_reason or "")
    db.session.flush()
    logger.info("certificate %s issued to user %s for %s by %s", cert.id, user.id, track.slug,
                issuer.label)
    return cert


def bulk_candidates(track: Track) -> list[int]:
    """Enrolled people of a track who are eligible and hold no certificate for it yet."""
    from workshop.accounts.models import User

    user_ids = db.session.scalars(select(Enrolment.user_id).join(User, User.id ==
                                  Enrolment.user_id).where(Enrolment.track_id == track.id,
                                                           User.is_active.is_(True))
                                  .order_by(Enrolment.user_id)).all()
    progresses = (track_progress(uid, track) for uid in user_ids)
    return [p.user_id for p in progresses if p.certificate is None and p.is_eligible]


def get_certificate(code: str) -> Certificate:
    """Raises UnknownCertificate."""
    cert = None
    if isinstance(code, str) and 10 <= len(code) <= 40:
        cert = db.session.scalar(select(Certificate).where(Certificate.verification_code == code))
    if cert is None:
        raise UnknownCertificate("No certificate has this verification code.")
    return cert


def revoke(cert: Certificate, issuer: Issuer, reason: str) -> Certificate:
    """Mark a certificate revoked with a reason. Raises InvalidInput if already revoked."""
    reason = _reason(reason, "revocation")
    if cert.revoked_at is not None:
        raise InvalidInput("This certificate is already revoked.")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    _log(cert, issuer, "revoke", reason)
    db.session.flush()
    logger.info("certificate %s revoked by %s", cert.id, issuer.label)
    return cert


def reissue(cert: Certificate, issuer: Issuer, *, holder_name: str, reason: str,
            public_url: str, programme: str) -> Certificate:
    """A new certificate (e.g. after a legal name change); the old one is marked superseded."""
    from workshop.accounts.models import User

    reason = _reason(reason, "reissue")
    if cert.superseded_at is not None:
        raise InvalidInput("This certificate was already superseded; reissue the newest one.")
    track = db.session.get(Track, cert.track_id)
    user = db.session.get(User, cert.user_id)
    cert.superseded_at = utcnow()
    db.session.flush()
    new = _make(user, track, issuer, holder_name=_holder_name(holder_name),
                public_url=public_url, programme=programme, override_reason=cert.override_reason)
    db.session.flush()
    cert.superseded_by_id = new.id
    _log(cert, issuer, "supersede", f"replaced by {new.verification_code}: {reason}")
    _log(new, issuer, "reissue", f"replaces {cert.verification_code}: {reason}")
    db.session.flush()
    return new


def public_record(cert: Certificate) -> dict:
    """What anyone may see about a certificate (the verify page and its JSON)."""
    record = {
        "code": cert.verification_code, "status": cert.status, "holder": cert.holder_name,
        "track": cert.track_title, "issued_on": cert.issued_on.isoformat(),
        "issuer": cert.issuer_name, "pdf_sha256": cert.pdf_sha256,
    }
    if cert.revoked_at is not None:
        record["revoked_on"] = cert.revoked_at.date().isoformat()
        record["revoked_reason"] = cert.revoked_reason
    if cert.superseded_by_id is not None:
        newer = db.session.get(Certificate, cert.superseded_by_id)
        record["superseded_by"] = newer.verification_code if newer else None
    return record


def matches_pdf(cert: Certificate, data: bytes) -> bool:
    """Whether uploaded bytes are exactly the issued file."""
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), cert.pdf_sha256)


def events(cert: Certificate) -> list[CertificateEvent]:
    return list(db.session.scalars(select(CertificateEvent).where(
        CertificateEvent.certificate_id == cert.id).order_by(CertificateEvent.id)))
