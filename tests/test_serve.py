"""``workshop serve`` on an empty database: migrates, prints the setup link, first login works."""

from __future__ import annotations

import re

import pytest
import requests
from servers import Server  # tests/servers.py

pytestmark = pytest.mark.server


def test_first_run_serves_and_setup_link_logs_in(tmp_path, csrf_token):
    instance = tmp_path / "instance"
    server = Server({"WORKSHOP_INSTANCE_PATH": str(instance),
                     "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'first.db'}"})
    try:
        server.start()
        match = re.search(r"http://127\.0\.0\.1:\d+(/setup/\S+)", server.output)
        assert match, server.output
        assert (instance / "secret_key").exists()
        web = requests.Session()
        page = web.get(server.url + match.group(1), timeout=5)
        assert page.status_code == 200 and "Create the first admin account" in page.text
        done = web.post(server.url + match.group(1), timeout=10, data={
            "csrf_token": csrf_token(page.text), "display_name": "Ada Admin",
            "email": "ada@example.org", "password": "ada-admin-pw", "confirm": "ada-admin-pw"})
        assert done.status_code == 200 and "Hello, Ada Admin" in done.text
        assert "HttpOnly" in done.history[0].headers["Set-Cookie"]
        assert "SameSite=Lax" in done.history[0].headers["Set-Cookie"]
        assert web.get(server.url + match.group(1), timeout=5).status_code == 404
    finally:
        server.stop()
