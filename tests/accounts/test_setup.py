"""First run: the one-time setup link creates the first admin."""

from __future__ import annotations

import re

from workshop.commands import print_setup_link


def _issue_link(app, capsys) -> str:
    with app.app_context():
        print_setup_link(app, "127.0.0.1", 5000)
    out = capsys.readouterr().out
    match = re.search(r"http://127\.0\.0\.1:5000(/setup/\S+)", out)
    assert match, out
    return match.group(1)


def test_setup_link_creates_admin_once(app, client, post_form, capsys):
    path = _issue_link(app, capsys)
    response = post_form(path, {"display_name": "First Admin", "email": "first@example.org",
                                "password": "first-admin-pw", "confirm": "first-admin-pw"})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Hello, First Admin" in page and 'href="/admin/users"' in page
    assert client.get(path).status_code == 404  # spent


def test_setup_form_errors_write_nothing(app, client, post_form, capsys):
    path = _issue_link(app, capsys)
    response = post_form(path, {"display_name": "A", "email": "a@example.org",
                                "password": "first-admin-pw", "confirm": "different-pw"})
    assert response.status_code == 400
    assert "The passwords differ." in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # still usable


def test_wrong_token_is_404(app, client, capsys):
    _issue_link(app, capsys)
    assert client.get("/setup/not-the-token").status_code == 404


def test_no_link_once_a_user_exists(app, make_user, capsys):
    make_user("admin")
    with app.app_context():
        print_setup_link(app, "127.0.0.1", 5000)
    assert "/setup/" not in capsys.readouterr().out


def test_change_password(client, make_user, login, post_form):
    user = make_user("trainee")
    login(user)
    bad = post_form("/account/password", {"current_password": "wrong-one-here",
                                          "new_password": "brand-new-pass", "confirm":
                                          "brand-new-pass"})
    assert bad.status_code == 400
    assert "current password is not right" in bad.get_data(as_text=True)
    ok = post_form("/account/password", {"current_password": user["password"],
                                         "new_password": "brand-new-pass",
                                         "confirm": "brand-new-pass"})
    assert ok.status_code == 302
