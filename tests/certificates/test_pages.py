"""Certificate pages: trainee progress, admin cohort and issuing, access."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.certificates.models import Certificate, Enrolment
from workshop.extensions import db


def test_trainee_enrols_and_sees_progress(app, client, tracks, make_user, login, post_form):
    login(make_user("trainee"))
    page = client.get("/tracks").get_data(as_text=True)
    assert "OKR Practitioner" in page and "Enrol" in page
    response = post_form("/tracks/practitioner/enrol", {}, page="/tracks")
    assert response.status_code == 302
    detail = client.get("/tracks/practitioner").get_data(as_text=True)
    assert "0% of the requirements met" in detail and "✗ Missing" in detail
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrolment.id))) == 1


def test_admin_cohort_issue_and_csv(app, client, practitioner, make_user, login, post_form):
    login(make_user("admin"))
    page = client.get("/admin/certificates").get_data(as_text=True)
    assert "Zoë Łukasiewicz" in page and "100%" in page
    response = post_form("/admin/certificates/tracks/practitioner/issue",
                         {"user_id": str(practitioner["id"])}, page="/admin/certificates")
    assert response.status_code == 302
    with app.app_context():
        code = db.session.scalar(select(Certificate.verification_code))
    assert response.headers["Location"] == f"/admin/certificates/{code}"
    csv_text = client.get("/admin/certificates?format=csv").get_data(as_text=True)
    assert f"Zoë Łukasiewicz,{practitioner['email']},OKR Practitioner,100," in csv_text
    assert ",valid," in csv_text
    filtered = client.get("/admin/certificates?status=eligible").get_data(as_text=True)
    assert "No enrolments match." in filtered


def test_bulk_page_issues_through_json(app, client, practitioner, make_user, login,
                                       csrf_token):
    login(make_user("admin"))
    page = client.get("/admin/certificates/tracks/practitioner/bulk").get_data(as_text=True)
    assert "1 eligible trainee(s)" in page
    token = page.split('data-csrf="')[1].split('"')[0]
    first = client.post("/admin/certificates/tracks/practitioner/issue",
                        data={"csrf_token": token, "user_id": str(practitioner["id"])},
                        headers={"Accept": "application/json"})
    assert first.get_json()["ok"] is True
    again = client.post("/admin/certificates/tracks/practitioner/issue",
                        data={"csrf_token": token, "user_id": str(practitioner["id"])},
                        headers={"Accept": "application/json"})
    assert again.status_code == 409 and again.get_json()["error"] == "already_certified"
    assert "Nobody is waiting" in client.get(
        "/admin/certificates/tracks/practitioner/bulk").get_data(as_text=True)


def test_trainee_cannot_use_admin_pages_or_others_pdf(app, client, practitioner, make_user,
                                                      login, runner):
    done = runner.invoke(args=["certificates", "issue", "--track", "practitioner", "--email",
                               practitioner["email"]])
    code = done.output.split()[1]
    login(make_user("trainee"))
    assert client.get("/admin/certificates").status_code == 403
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
    assert client.get(f"/verify/{code}").status_code == 200  # public


def test_holder_downloads_own_pdf(app, client, practitioner, login, runner):
    done = runner.invoke(args=["certificates", "issue", "--track", "practitioner", "--email",
                               practitioner["email"]])
    code = done.output.split()[1]
    login(practitioner)
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_track_page_links_to_its_exercise_sets(client, tracks, make_user, login):
    login(make_user("trainee"))
    page = client.get("/tracks/practitioner").get_data(as_text=True)
    assert 'href="/exercises/sets/okr-foundations"' in page
    assert 'href="/exercises/sets/objectives-key-results-tasks"' in page


def test_exercise_sets_show_and_filter_by_track(client, tracks, make_user, login):
    login(make_user("trainee"))
    page = client.get("/exercises/").get_data(as_text=True)
    assert "Counts for: OKR Practitioner" in page
    assert 'href="/exercises/?track=lead-coach"' in page
    only = client.get("/exercises/?track=practitioner").get_data(as_text=True)
    assert 'href="/exercises/sets/okr-foundations"' in only
    assert 'href="/exercises/sets/objectives-key-results-tasks"' in only
    assert 'href="/exercises/sets/the-okr-coach"' not in only
