"""A whole workshop in real Chromium: a coach, the big screen and three phones (375x667)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from servers import COACH_EMAIL, COACH_PASSWORD, PHONE, Server, prepare

pytestmark = [pytest.mark.browser, pytest.mark.server]
ARTIFACTS = Path(os.environ.get("WORKSHOP_TEST_ARTIFACTS", "test-artifacts")) / "browser"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def live_server(tmp_path):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
           "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}"}
    code = prepare(env)
    server = Server(env).start()
    yield server, code
    server.stop()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_whole_workshop_in_the_browser(browser, live_server):
    from playwright.sync_api import expect

    server, code = live_server
    dialogs = []
    coach_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    console = coach_ctx.new_page()
    console.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    console.goto(server.url + "/login")
    console.fill("#email", COACH_EMAIL)
    console.fill("#password", COACH_PASSWORD)
    console.click("#submit")
    console.goto(server.url + "/live/workshops")
    console.click("text=Q1 planning")
    console.wait_for_selector("#phase:has-text('Lobby')")
    screen = coach_ctx.new_page()
    screen.goto(console.url + "/screen")
    screen.wait_for_selector("#phase:has-text('Lobby')")

    phones, contexts = [], []
    for name in ("Ana", "Ben", HOSTILE):
        ctx = browser.new_context(**PHONE)
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url + "/")
        page.fill("#code", code.lower())
        page.click("button:has-text('Join')")
        page.fill("#display_name", name)
        page.click("button:has-text('Join the workshop')")
        page.wait_for_selector("#phase:has-text('Lobby')")
        phones.append(page)
        contexts.append(ctx)
    screen.wait_for_selector("#counts:has-text('3 joined')")
    shot(phones[0], "phone-lobby")
    shot(screen, "screen-lobby")

    # Objectives: propose (one of them hostile markup), vote, reveal, results.
    console.click("#next")
    texts = ["Delight every new customer", "Become the calmest on-call team", HOSTILE]
    for page, text in zip(phones, texts, strict=True):
        page.wait_for_selector("#proposal-text")
        page.fill("#proposal-text", text)
        page.click("button:has-text('Propose')")
    for page in phones:
        expect(page.locator(".items li")).to_have_count(3)
    screen.wait_for_selector(f"text={HOSTILE}")
    shot(phones[0], "phone-propose")
    shot(screen, "screen-propose")

    console.click("#next")
    for page in phones:
        page.wait_for_selector(".vote-items")

    def tap_plus(page, index: int):
        page.locator(".vote-items li").nth(index).locator("button.primary").click()

    tap_plus(phones[0], 0)
    tap_plus(phones[0], 0)
    tap_plus(phones[1], 1)
    # Phone 3 loses its network mid-vote, taps twice, and comes back.
    contexts[2].set_offline(True)
    phones[2].wait_for_selector("#status:has-text('Offline')", timeout=60_000)
    tap_plus(phones[2], 0)
    tap_plus(phones[2], 1)
    phones[2].wait_for_selector("text=not sent yet")
    assert phones[2].locator(".budget").inner_text() == "Votes left: 1 of 3"
    shot(phones[2], "phone-offline")
    contexts[2].set_offline(False)
    phones[2].wait_for_selector("#status", state="hidden", timeout=60_000)
    phones[2].wait_for_selector("text=not sent yet", state="detached", timeout=30_000)
    console.wait_for_selector("#counts:has-text('3 voted')")
    phones[2].reload()  # what the server holds, not what the phone remembers
    phones[2].wait_for_selector(".vote-items")
    assert phones[2].locator(".budget").inner_text() == "Votes left: 1 of 3"
    shot(phones[1], "phone-vote")
    shot(console, "console-vote")

    console.click("#reveal")
    screen.wait_for_selector(".bars-big")
    console.click("#next")
    for page in phones:
        page.wait_for_selector(".bars")
    screen.wait_for_selector("#phase:has-text('Objectives: results')")
    assert phones[0].locator(".bars li").first.inner_text().startswith("1")
    shot(screen, "screen-results")
    shot(phones[0], "phone-results")

    # Key results for the kept objectives, then the final set.
    console.click("#next")
    for page, text in zip(phones, ["Raise activation from 40% to 60%",
                                   "Cut time-to-first-value from 14 to 5 days",
                                   "Launch the new onboarding flow"], strict=True):
        page.wait_for_selector("#proposal-text")
        page.fill("#proposal-text", text)
        page.click("button:has-text('Propose')")
    expect(console.locator("#items li")).to_have_count(3)
    console.wait_for_selector("text=reads like a task")  # the checker warns the coach
    console.click("#next")
    for page in phones:
        page.wait_for_selector(".vote-items")
        tap_plus(page, 0)
        tap_plus(page, 1)
    console.wait_for_selector("#counts:has-text('3 voted')")
    console.click("#next")
    console.click("#next")
    for page in phones:
        page.wait_for_selector(".final-set")
    screen.wait_for_selector(".final-set")
    assert "Delight every new customer" in phones[1].locator(".final-set").inner_text()
    shot(phones[1], "phone-final")
    shot(screen, "screen-final")
    shot(console, "console-final")

    # Hostile text is text everywhere: nothing ran, the markup shows literally.
    assert dialogs == []
    assert HOSTILE in console.locator("#people").inner_text()
    assert screen.locator("img[src='x']").count() == 0
    for fmt in ("csv", "md", "pdf"):
        response = coach_ctx.request.get(console.url + f"/export.{fmt}")
        assert response.status == 200
        body = response.body()
        if fmt == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(body))
            assert len(reader.pages) == 1
            assert HOSTILE in reader.pages[0].extract_text()
        elif fmt == "md":
            assert b"<img" not in body and b"&lt;img src=x onerror=alert\\(1\\)&gt;" in body
        else:
            assert HOSTILE.encode() in body
    for ctx in contexts:
        ctx.close()
    coach_ctx.close()


def test_join_and_vote_pages_are_light(browser, live_server):
    """Bytes a phone downloads to join and vote, with no request leaving the server."""
    server, code = live_server
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    sizes, hosts = {}, set()

    def on_response(response):
        hosts.add(re.sub(r"^https?://([^/]+).*$", r"\1", response.url))
        try:
            size = len(response.body())
        except Exception:  # websocket upgrades have no body
            size = 0
        # A file fetched again comes from the cache: count each once, at its full size.
        sizes[response.url] = max(sizes.get(response.url, 0), size)

    page.on("response", on_response)
    page.goto(server.url + f"/j/{code}")
    page.fill("#display_name", "Weigher")
    page.click("button:has-text('Join the workshop')")
    page.wait_for_selector("#phase:has-text('Lobby')")
    page.wait_for_timeout(300)
    total = sum(sizes.values())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text(
        "\n".join(f"{size:>8}  {url}" for url, size in sorted(sizes.items()))
        + f"\n{total:>8}  total bytes\n")
    assert hosts == {server.url.split("//")[1]}
    assert total <= 150 * 1024, f"join + phone page weigh {total} bytes"
    ctx.close()
