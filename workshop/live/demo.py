"""Sample live workshop for ``workshop demo``: proposals in, ready for voting."""

from __future__ import annotations

from sqlalchemy import select

from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.live import proposals, services
from workshop.live.models import Workshop

DEMO_TITLE = "Demo: 2027 Q1 planning"
DEMO_OBJECTIVES = (
    "Make getting started a delight for every new customer",
    "Become the fastest-responding support team in our market",
    "Roll out the new CRM",
)


def load_demo_workshop(echo) -> None:
    coach = accounts.find_user_by_email("coach@demo.example")
    if coach is None:
        return
    exists = db.session.scalar(select(Workshop).where(Workshop.coach_id == coach.id,
                                                      Workshop.title == DEMO_TITLE))
    if exists is not None:
        echo(f"Demo workshop already there (join code {exists.join_code}).")
        return
    workshop = services.create_workshop(coach.id, title=DEMO_TITLE, team_name="Customer success",
                                        cycle_label="2027 Q1")
    services.change_phase(workshop, "next")
    for text in DEMO_OBJECTIVES:
        proposals.propose(workshop, None, text)
    echo(f"Demo workshop ready: join code {workshop.join_code} (collecting objectives).")
