"""OKR quality warnings for the coach and hints for phones, from the pure checker."""

from __future__ import annotations

from workshop.live import phases
from workshop.live.models import Workshop
from workshop.live.services import kept_objectives, live_proposals
from workshop.okr import check_set, check_statement

MAX_HINT_TEXT = 200


def hint(text, kind) -> dict:
    """Findings for a statement being typed (nothing is stored)."""
    from workshop.live.errors import InvalidPayload

    if kind not in (phases.OBJECTIVE, phases.KEY_RESULT):
        raise InvalidPayload('kind must be "objective" or "key_result".', field="kind")
    if not isinstance(text, str) or len(text) > MAX_HINT_TEXT + 50:
        raise InvalidPayload("text must be a string of at most 200 characters.", field="text")
    report = check_statement(text, kind)
    return {"language": report.language, "score": report.score,
            "findings": [f.to_dict() for f in report.findings if f.severity != "info"]}


def assess(workshop: Workshop) -> dict:
    """Warnings about the kept set (1-3 objectives, 2-4 key results each) and per proposal."""
    key_results = live_proposals(workshop, phases.KEY_RESULT)
    kept = [{"text": o.text,
             "key_results": [k.text for k in key_results if k.parent_id == o.id and k.is_kept]}
            for o in kept_objectives(workshop)]
    set_findings = []
    if workshop.phase not in (phases.LOBBY, phases.OBJECTIVES_PROPOSE, phases.OBJECTIVES_VOTE):
        in_kr_round = phases.ORDER.index(workshop.phase) >= phases.ORDER.index(
            phases.KEY_RESULTS_RESULTS)
        for finding in check_set(kept):
            if finding.code.startswith("set.too_few_key_results") and not in_kr_round:
                continue  # key results are not chosen yet
            set_findings.append(finding.to_dict())
    per_proposal = {}
    for proposal in live_proposals(workshop):
        report = check_statement(proposal.text, proposal.round, cycle=workshop.cycle_label)
        found = [f.to_dict() for f in report.findings if f.severity in ("error", "warning")]
        if found:
            per_proposal[str(proposal.id)] = found
    return {"set": set_findings, "proposals": per_proposal}
