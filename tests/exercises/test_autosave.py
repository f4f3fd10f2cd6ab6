"""Autosave: each question's answer is stored as the trainee goes, via a JSON endpoint."""

from __future__ import annotations

import pytest


@pytest.fixture
def autosave(client, csrf_token):
    def post(attempt: int, data: dict, *, with_token: bool = True):
        token = csrf_token(client.get("/").get_data(as_text=True))
        return client.post(f"/exercises/attempts/{attempt}/answers.json",
                           data={**({"csrf_token": token} if with_token else {}), **data})

    return post


def test_autosaved_answer_survives_a_closed_laptop(app, client, trainee, start, autosave, ids):
    attempt = start()
    response = autosave(attempt, {"q2-present": "1", "q2": "3.5"})
    assert response.get_json() == {"ok": True, "saved": [2]}
    assert 'value="3.5"' in client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)


def test_autosave_can_clear_a_multiple_answer(client, trainee, start, autosave, ids):
    attempt = start()
    autosave(attempt, {"q1-present": "1", "q1": ids.right})
    autosave(attempt, {"q1-present": "1"})
    html = client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)
    assert f'value="{ids.right}" checked' not in html


def test_autosave_rejects_a_bad_answer_with_its_message(client, trainee, start, autosave):
    attempt = start()
    response = autosave(attempt, {"q2-present": "1", "q2": "lots"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_answers"
    assert body["errors"] == {"2": "Enter a number, like 0.7 or 12."}
    assert 'value="lots"' not in client.get(f"/exercises/attempts/{attempt}").get_data(
        as_text=True)


def test_autosave_needs_the_csrf_token(client, trainee, start, autosave):
    attempt = start()
    response = autosave(attempt, {"q2-present": "1", "q2": "4"}, with_token=False)
    assert response.status_code == 400
    assert 'value="4"' not in client.get(f"/exercises/attempts/{attempt}").get_data(as_text=True)


def test_autosave_after_submit_is_refused(client, trainee, start, answer, autosave, ids):
    attempt = start()
    answer(attempt, ids.all_right)
    response = autosave(attempt, {"q1-present": "1", "q1": ids.wrong})
    assert response.status_code == 409
    assert response.get_json()["error"] == "attempt_closed"
    html = client.get(f"/exercises/attempts/{attempt}/result").get_data(as_text=True)
    assert "Score 100%" in html


def test_attempt_page_loads_the_autosave_script_without_inline_code(client, trainee, start):
    response = client.get(f"/exercises/attempts/{start()}")
    html = response.get_data(as_text=True)
    assert '<script src="/static/js/exercises.js" defer></script>' in html
    assert "<script>" not in html and "onclick" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    script = client.get("/static/js/exercises.js")
    assert script.status_code == 200 and b"X-CSRFToken" in script.data
    script.close()
    assert 'data-autosave-url="/exercises/attempts/' in html
