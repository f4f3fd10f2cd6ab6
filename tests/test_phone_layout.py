"""Every page a person opens on a phone fits its width (375 px, in real Chromium): wide
tables scroll inside their own box, and the page itself never scrolls sideways."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from servers import PHONE, Server, _cli

pytestmark = [pytest.mark.browser, pytest.mark.server]
ARTIFACTS = Path(os.environ.get("WORKSHOP_TEST_ARTIFACTS", "test-artifacts")) / "layout"
EMAIL, PASSWORD = "admin@example.org", "admin-password-1"
GIFT = "// [id:layout-one]\n::One::Key Results are measurable.{T}\n"
PAGES = [
    "/", "/account/password", "/admin/users", "/admin/users/new", "/live/workshops",
    "/live/workshops/new", "/exercises/", "/exercises/history", "/exercises/manage",
    "/exercises/manage/import", "/exercises/manage/sets/imported-basics/edit",
    "/exercises/manage/sets/okr-foundations/edit", "/exercises/results",
    "/exercises/results/sets/okr-foundations", "/exercises/sets/okr-foundations", "/tracks",
    "/tracks/practitioner", "/admin/certificates", "/live/workshops/1", "/verify",
]
LONG_NAME = "Maximiliane-Anastasia Oberhollenzer-Wittgensteinhohenbergerstrasse"


@pytest.fixture
def server(tmp_path):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'layout.db'}"}
    _cli(env, "db", "upgrade")
    _cli(env, "users", "create", "--email", EMAIL, "--name", "Programme administrator",
         "--role", "admin", "--role", "coach", "--role", "trainee", "--password", PASSWORD)
    _cli(env, "users", "create", "--email", "maximiliane.oberhollenzer-wittgenstein@example.org",
         "--name", LONG_NAME, "--role", "trainee")
    _cli(env, "exercises", "sync")
    out = _cli(env, "live", "create", "--coach-email", EMAIL, "--title", "Q1 planning",
               "--team", "Platform", "--cycle", "2027 Q1")
    code = re.search(r"join code (\w+)", out).group(1)
    gift = tmp_path / "layout.gift"
    gift.write_text(GIFT, encoding="utf-8")
    _cli(env, "exercises", "import-gift", str(gift), "--set", "imported-basics")
    server = Server(env).start()
    server.join_path = f"/j/{code}"
    yield server
    server.stop()


def test_no_page_is_wider_than_a_phone(browser, server):
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.url + "/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)
    too_wide = {}
    for path in [*PAGES, server.join_path]:
        response = page.goto(server.url + path)
        assert response.status == 200, path
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.strip('/').replace('/', '_') or 'home'}.png"),
                        full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[path] = width
    assert too_wide == {}
