"""The CI dependency audit (.ci/audit.py), against PyPI answers played back from memory and a
local HTTP server; the real run against PyPI is `make audit`, called by .ci/run."""

from __future__ import annotations

import http.server
import importlib.util
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ci_audit"] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("ci_audit", None)


def vuln(id_, *, aliases=(), fixed_in=("9.9",), withdrawn=None, summary="Bad thing"):
    return {"id": id_, "aliases": list(aliases), "fixed_in": list(fixed_in),
            "withdrawn": withdrawn, "summary": summary, "details": "", "link": f"https://osv.dev/{id_}"}


def pypi(answers: dict[str, dict | None]):
    """A fetch function answering from a dict of URL -> record (None or absent = 404)."""
    asked = []

    def fetch(url):
        asked.append(url)
        return answers.get(url)

    fetch.asked = asked
    return fetch


def test_release_record_vulnerabilities_fail_the_audit(audit):
    fetch = pypi({
        "https://pypi.org/pypi/demo/1.0/json": {
            "vulnerabilities": [vuln("PYSEC-1", aliases=["CVE-1"])]},
        "https://pypi.org/pypi/clean/2.0/json": {"vulnerabilities": []},
    })
    report = audit.audit([("demo", "1.0"), ("clean", "2.0")], fetch=fetch)
    assert not report.ok
    assert [(f.name, f.id, f.aliases, f.fixed_in) for f in report.findings] == [
        ("demo", "PYSEC-1", ("CVE-1",), ("9.9",))]
    assert {(n, s) for n, _, s in report.checked} == {("demo", "release record"),
                                                        ("clean", "release record")}
    text = audit.render(report)
    assert "VULNERABLE demo 1.0: PYSEC-1 (CVE-1); fixed in 9.9" in text
    assert "https://osv.dev/PYSEC-1" in text and "1 known vulnerabilities, 0 unaudited" in text


def test_refused_release_record_falls_back_to_the_latest_release(audit):
    fetch = pypi({"https://pypi.org/pypi/demo/json": {
        "info": {"version": "1.0.0"},
        "vulnerabilities": [vuln("GHSA-x", fixed_in=(), aliases=["CVE-9"]),
                            vuln("PYSEC-9", aliases=["CVE-9", "GHSA-x"]),  # the same advisory
                            vuln("PYSEC-old", withdrawn="2025-01-01")],
    }})
    report = audit.audit([("demo", "1.0")], fetch=fetch)  # 1.0 and 1.0.0 are one version
    assert fetch.asked == ["https://pypi.org/pypi/demo/1.0/json", "https://pypi.org/pypi/demo/json"]
    assert report.checked == [("demo", "1.0", "latest release")]
    # once per advisory, and the withdrawn one is not counted
    assert [f.id for f in report.findings] == ["GHSA-x"]
    assert "fixed in no fixed release yet" in audit.render(report)


def test_an_older_release_that_cannot_be_read_is_unaudited_not_passed(audit):
    fetch = pypi({"https://pypi.org/pypi/demo/json": {"info": {"version": "2.0"},
                                                      "vulnerabilities": []}})
    report = audit.audit([("demo", "1.0"), ("ghost", "0.1")], fetch=fetch)
    assert not report.ok and report.checked == [] and report.findings == []
    why = dict(((n, w) for n, _, w in report.unaudited))
    assert "latest release is 2.0" in why["demo"]
    assert why["ghost"] == "not on PyPI"
    assert "UNAUDITED demo 1.0" in audit.render(report)


def test_an_unaudited_release_can_be_allowed_by_name(audit):
    fetch = pypi({"https://pypi.org/pypi/held-back/json": {"info": {"version": "2.0"},
                                                           "vulnerabilities": []}})
    report = audit.audit([("Held_Back", "1.0")], fetch=fetch, allow_unaudited=["held-back"])
    assert report.ok and report.unaudited == []
    assert "unaudited, allowed (--allow-unaudited) Held_Back 1.0" in audit.render(report)


def test_clean_environment_passes_and_ignored_ids_are_listed(audit):
    fetch = pypi({
        "https://pypi.org/pypi/demo/1.0/json": {
            "vulnerabilities": [vuln("PYSEC-2", aliases=["CVE-2"])]},
        "https://pypi.org/pypi/clean/3/json": {"vulnerabilities": []},
    })
    report = audit.audit([("demo", "1.0"), ("clean", "3")], fetch=fetch, ignore=["CVE-2"])
    assert report.ok and report.findings == []
    assert [f.id for f in report.ignored] == ["PYSEC-2"]
    text = audit.render(report)
    assert "audited 2 distributions (2 by release record)" in text
    assert "ignored (--ignore-vuln) demo 1.0: PYSEC-2" in text
    assert "no known vulnerabilities" in text


def test_installed_distributions_skip_the_editable_project(audit):
    names = {name.lower() for name, _ in audit.installed_distributions()}
    assert "flask" in names and "reportlab" in names
    assert "okr-workshop" not in names  # installed editable by make: not on PyPI


class _Handler(http.server.BaseHTTPRequestHandler):
    status = {"/ok": [200], "/gone": [404], "/flaky": [503, 200], "/down": [503, 503, 503]}

    def do_GET(self):  # noqa: N802 (http.server's name)
        codes = self.server.remaining.setdefault(self.path, list(self.status[self.path]))
        code = codes.pop(0) if len(codes) > 1 else codes[0]
        self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
        body = b'{"vulnerabilities": []}' if code == 200 else b"no"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_pypi(audit, monkeypatch):
    monkeypatch.setattr(audit.time, "sleep", lambda seconds: None)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.remaining, server.hits = {}, {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_reads_json_answers_404_as_none_and_retries_server_errors(audit, local_pypi):
    server, base = local_pypi
    assert audit.fetch_json(base + "/ok") == {"vulnerabilities": []}
    assert audit.fetch_json(base + "/gone") is None
    assert audit.fetch_json(base + "/flaky") == {"vulnerabilities": []}
    assert server.hits["/flaky"] == 2
    with pytest.raises(audit.Unreachable, match="503"):
        audit.fetch_json(base + "/down")
    assert server.hits["/down"] == audit.ATTEMPTS


def test_main_reports_pypi_unreachable_with_exit_2(audit, monkeypatch, capsys):
    def unreachable(url):
        raise audit.Unreachable(f"{url}: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(audit, "fetch_json", unreachable)
    monkeypatch.setattr(audit, "installed_distributions", lambda: [("flask", "3.1.3")])
    assert audit.main([]) == 2
    assert "PyPI did not answer" in capsys.readouterr().err

    monkeypatch.setattr(audit, "fetch_json", pypi({
        "https://pypi.org/pypi/flask/3.1.3/json": {"vulnerabilities": [vuln("PYSEC-3")]}}))
    assert audit.main([]) == 1
    assert audit.main(["--ignore-vuln", "PYSEC-3"]) == 0
