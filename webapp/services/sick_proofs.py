"""Sick-leave proof (L-4): checked uploads kept outside the web root, readable by few."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import leave as rules
from attendance.model import LeaveRequest as LeaveSpec
from attendance.model import LeaveStatus, LeaveType
from webapp.models import Employee
from webapp.models.base import utcnow
from webapp.models.leave import LeaveRequest, SickProof
from webapp.services import audit, notifications
from webapp.services.attendance_results import settings_for
from webapp.services.errors import Forbidden, ServiceError

MAX_PROOF_BYTES = 5 * 1024 * 1024
SIGNATURES = {  # content is checked by its first bytes, not by the name the browser sent
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


@dataclass(frozen=True)
class ProofFile:
    """A stored proof's bytes and how to serve them."""

    path: Path
    content_type: str
    download_name: str


def sniff(content: bytes) -> tuple[str, str]:
    """The content type and suffix of a PDF, PNG or JPEG; anything else is refused (L-4)."""
    for magic, kind in SIGNATURES.items():
        if content.startswith(magic):
            return kind
    raise ServiceError("a proof must be a PDF, PNG or JPEG file (L-4)", field="file", rule="L-4")


def may_read(actor: Employee, request: LeaveRequest) -> bool:
    """The agent, the approvers of their team and site, and HR (L-4)."""
    roles = actor.roles
    owner = request.employee
    return (
        actor.id == owner.id
        or "hr" in roles
        or ("director" in roles and actor.site_id == owner.site_id)
        or ("lead" in roles and actor.team_id == owner.team_id)
        or request.approver_id == actor.id
    )


def upload_proof(
    session: Session,
    actor: Employee,
    request_id: int,
    filename: str,
    content: bytes,
    upload_dir: Path,
) -> SickProof:
    """Store one proof for the agent's own sick leave; size and type are checked first."""
    request = session.get(LeaveRequest, request_id)
    if request is None or request.employee_id != actor.id:
        raise Forbidden("you can only add proof to your own leave", field="request")
    if request.leave_type != "sick":
        raise ServiceError("only sick leave takes a proof (L-4)", field="file", rule="L-4")
    if len(content) > MAX_PROOF_BYTES:
        raise ServiceError("a proof may be at most 5 MB (L-4)", field="file", rule="L-4")
    if not content:
        raise ServiceError("the file is empty", field="file", rule="L-4")
    content_type, suffix = sniff(content)
    stored = secrets.token_hex(16) + suffix
    folder = upload_dir / "proofs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(content)
    proof = SickProof(
        request_id=request.id,
        stored_name=stored,
        original_name=Path(filename).name[:255] or "proof" + suffix,
        content_type=content_type,
        size=len(content),
        uploaded_by_id=actor.id,
    )
    session.add(proof)
    audit.record(
        session,
        actor,
        "leave.proof",
        proof,
        None,
        audit.snapshot(proof, ("request_id", "original_name", "size")),
    )
    return proof


def read_proof(session: Session, actor: Employee, proof_id: int, upload_dir: Path) -> ProofFile:
    """The proof's file, for those allowed to read it (L-4)."""
    proof = session.get(SickProof, proof_id)
    if proof is None or not may_read(actor, proof.request):
        raise Forbidden("you may not read this proof (L-4)", field="proof", rule="L-4")
    return ProofFile(
        upload_dir / "proofs" / proof.stored_name, proof.content_type, proof.original_name
    )


def proof_status(request: LeaveRequest, today: dt.date) -> rules.ProofStatus:
    """NOT_REQUIRED, PROVIDED, PENDING or MISSING (then D-3 applies) for one request (L-4)."""
    settings = settings_for(request.employee.site)
    zone = ZoneInfo(settings.timezone)
    spec = LeaveSpec(
        str(request.id),
        request.employee.code,
        LeaveType(request.leave_type),
        request.start_at,
        request.end_at,
        LeaveStatus.APPROVED,
        sudden=request.sudden,
    )
    first_proof = min((p.uploaded_at for p in request.proofs), default=None)
    returned_on = request.end_at.astimezone(zone).date()
    proof_on = first_proof.astimezone(zone).date() if first_proof else None
    return rules.sick_proof_status(spec, returned_on, proof_on, today, settings)


def proof_deadline(request: LeaveRequest) -> dt.date:
    """The last local date a proof is accepted (L-4)."""
    settings = settings_for(request.employee.site)
    return rules.proof_deadline(
        request.end_at.astimezone(ZoneInfo(settings.timezone)).date(), settings
    )


def sudden_sick_leave(session: Session) -> list[LeaveRequest]:
    """Approved sudden sick leave: the requests that need a proof (L-2, L-4)."""
    return list(
        session.scalars(
            select(LeaveRequest).where(
                LeaveRequest.leave_type == "sick",
                LeaveRequest.sudden,
                LeaveRequest.status == "approved",
            )
        )
    )


def missing_proofs(session: Session, today: dt.date) -> list[LeaveRequest]:
    """Sudden sick leave past its deadline without proof: each yields a D-3 line (L-4)."""
    return [
        r for r in sudden_sick_leave(session) if proof_status(r, today) is rules.ProofStatus.MISSING
    ]


def send_reminders(session: Session, today: dt.date) -> int:
    """Remind agents whose proof is still pending; returns how many were reminded (L-4)."""
    reminded = 0
    for request in sudden_sick_leave(session):
        if proof_status(request, today) is rules.ProofStatus.PENDING:
            notifications.notify(
                session,
                request.employee,
                f"Please upload the proof for your sick leave by {proof_deadline(request)} (L-4).",
                f"/leave/{request.id}",
            )
            reminded += 1
    return reminded


def now_local_date(employee: Employee) -> dt.date:
    """Today in the employee's site."""
    return utcnow().astimezone(ZoneInfo(employee.site.timezone)).date()
