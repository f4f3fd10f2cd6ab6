"""The live pages over HTTP: joining, the coach's list and form, exports, access."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live.models import Workshop

HOSTILE = "<img src=x onerror=alert(1)>"


def test_join_page_and_unknown_code(client, make_workshop):
    workshop = make_workshop()
    page = client.get(f"/j/{workshop['code'].lower()}")
    assert page.status_code == 200 and "Q1 planning" in page.get_data(as_text=True)
    missing = client.get("/j/ZZZZZZ")
    assert missing.status_code == 404
    assert "No open workshop has this code" in missing.get_data(as_text=True)
    assert client.get(f"/j?code=+{workshop['code'].lower()}").headers["Location"] == \
        f"/j/{workshop['code']}"


def test_qr_code_is_an_svg_of_the_join_url(client, make_workshop):
    response = client.get(f"/j/{make_workshop()['code']}/qr.svg")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")


def test_start_page_offers_the_code_box(client):
    assert 'name="code"' in client.get("/").get_data(as_text=True)


def test_coach_creates_a_workshop_from_the_form(app, coach_client, csrf_token):
    token = csrf_token(coach_client.get("/live/workshops/new").get_data(as_text=True))
    response = coach_client.post("/live/workshops/new", data={
        "csrf_token": token, "title": "Team offsite", "team_name": "Data", "cycle_label": "2027 H1",
        "votes_per_participant": "5", "max_votes_per_item": "2", "objectives_to_keep": "2",
        "key_results_to_keep": "3", "is_hiding_results": "y"})
    assert response.status_code == 302
    listing = coach_client.get("/live/workshops").get_data(as_text=True)
    assert "Team offsite" in listing and "Lobby" in listing
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert (workshop.votes_per_participant, workshop.max_votes_per_item) == (5, 2)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": ""}, "This field is required."),
    ({"objectives_to_keep": "4"}, "Number must be between 1 and 3."),
    ({"key_results_to_keep": "1"}, "Number must be between 2 and 4."),
    ({"votes_per_participant": "3", "max_votes_per_item": "5"},
     "between 1 and the votes per participant"),
    ({"votes_per_participant": "abc"}, "Not a valid integer value."),
])
def test_bad_workshop_form_writes_nothing(app, coach_client, csrf_token, data, message):
    token = csrf_token(coach_client.get("/live/workshops/new").get_data(as_text=True))
    form = {"csrf_token": token, "title": "T", "team_name": "X", "cycle_label": "Q1",
            "votes_per_participant": "3", "objectives_to_keep": "3", "key_results_to_keep": "3",
            **data}
    response = coach_client.post("/live/workshops/new", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Workshop.id))) == 0


def test_trainee_and_other_coach_are_kept_out(app, client, make_user, login, make_workshop,
                                             csrf_token):
    workshop = make_workshop()
    login(make_user("trainee"))
    assert client.get("/live/workshops").status_code == 403
    assert client.get(f"/live/workshops/{workshop['id']}").status_code == 403
    other = app.test_client()
    coach_b = make_user("coach")
    token = csrf_token(other.get("/login").get_data(as_text=True))
    other.post("/login", data={"csrf_token": token, "email": coach_b["email"],
                               "password": coach_b["password"]})
    for path in ("", "/screen", "/export.csv"):
        assert other.get(f"/live/workshops/{workshop['id']}{path}").status_code == 403


def test_exports_keep_hostile_text_inert(coach_client, make_workshop, join, phone, coach_socket):
    workshop = make_workshop()
    coach = coach_socket(workshop)
    ana = phone(join(workshop, "Ana"))
    coach.call("change_phase", {"direction": "next"})
    ana.call("propose", {"text": HOSTILE})
    ana.call("propose", {"text": "=HYPERLINK(\"http://evil\")"})
    base = f"/live/workshops/{workshop['id']}/export"
    rows = list(csv.reader(io.StringIO(coach_client.get(base + ".csv").get_data(as_text=True))))
    assert rows[0] == ["\ufeffround", "objective", "text", "votes", "kept"]
    assert [r[2] for r in rows[1:]] == [HOSTILE, "'=HYPERLINK(\"http://evil\")"]
    markdown = coach_client.get(base + ".md").get_data(as_text=True)
    assert "<img" not in markdown and "&lt;img" in markdown
    pdf = coach_client.get(base + ".pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1 and HOSTILE in reader.pages[0].extract_text()
    assert coach_client.get(base + ".xls").status_code == 404
