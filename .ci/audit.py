#!/usr/bin/env python3
"""Dependency audit: every distribution installed beside this interpreter, checked against
PyPI's vulnerability records (the OSV/PYSEC and GitHub advisories that pip-audit's default
service reads).

Why not pip-audit itself: pip-audit asks PyPI for one release's record
(`/pypi/<name>/<version>/json`), and this machine's proxy answers 404 to every such address
while it serves the project record (`/pypi/<name>/json`) in full; OSV's own API is not
reachable. So each distribution is looked up the way pip-audit does first, and when that
address is refused, through the project record, whose `vulnerabilities` are those of the
latest release: exact when the installed release is the latest, which `make test`'s fresh
install gives. An installed release older than the latest cannot be checked that way and is
reported as unaudited, which fails the audit just like a vulnerability does.

Usage: .venv/bin/python .ci/audit.py [--ignore-vuln ID ...] [--allow-unaudited NAME ...]
Exit status: 0 nothing known, 1 vulnerabilities or unaudited releases, 2 PyPI not reachable.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi"
ATTEMPTS = 3
TIMEOUT = 30

# fetch(url) returns the decoded JSON, None for a 404, and raises Unreachable otherwise.
Fetch = Callable[[str], "dict | None"]


class Unreachable(Exception):
    """PyPI did not answer (network error, timeout, server error) after every attempt."""


class Unaudited(Exception):
    """PyPI answered, but has no record that tells this release's vulnerabilities."""


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str
    link: str

    def names(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass
class Report:
    checked: list[tuple[str, str, str]] = field(default_factory=list)  # name, version, source
    findings: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)
    unaudited: list[tuple[str, str, str]] = field(default_factory=list)  # name, version, why
    allowed: list[tuple[str, str, str]] = field(default_factory=list)  # unaudited, accepted

    @property
    def ok(self) -> bool:
        return not self.findings and not self.unaudited


def installed_distributions() -> list[tuple[str, str]]:
    """(name, version) of every installed distribution, skipping editable installs (the
    project itself is not on PyPI) and duplicates on the path."""
    seen: dict[str, tuple[str, str]] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        direct_url = dist.read_text("direct_url.json")
        if direct_url:
            try:
                if json.loads(direct_url).get("dir_info", {}).get("editable"):
                    continue
            except ValueError:
                pass
        seen.setdefault(canonicalize_name(name), (name, dist.version))
    return sorted(seen.values(), key=lambda nv: canonicalize_name(nv[0]))


def fetch_json(url: str) -> dict | None:
    last: Exception | None = None
    for attempt in range(ATTEMPTS):
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            error.close()  # it holds the connection
            if error.code == 404:
                return None
            last = error
            if error.code < 500 and error.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            last = error
        time.sleep(2**attempt)
    raise Unreachable(f"{url}: {last}")


def vulnerabilities(name: str, version: str, fetch: Fetch) -> tuple[list[dict], str]:
    """The vulnerability records PyPI holds for this release, and which record told them."""
    record = fetch(f"{PYPI}/{name}/{version}/json")
    if record is not None:
        return list(record.get("vulnerabilities") or []), "release record"
    record = fetch(f"{PYPI}/{name}/json")
    if record is None:
        raise Unaudited("not on PyPI")
    latest = str(record.get("info", {}).get("version", ""))
    try:
        same = Version(latest) == Version(version)
    except InvalidVersion:
        same = latest == version
    if not same:
        raise Unaudited(
            f"PyPI's latest release is {latest}, and this machine cannot read the record of "
            f"{version}; install the latest release or audit where PyPI's release records "
            "are reachable"
        )
    return list(record.get("vulnerabilities") or []), "latest release"


def audit(
    distributions: Iterable[tuple[str, str]],
    fetch: Fetch = fetch_json,
    ignore: Iterable[str] = (),
    allow_unaudited: Iterable[str] = (),
    workers: int = 8,
) -> Report:
    ignore = set(ignore)
    allow_unaudited = {canonicalize_name(name) for name in allow_unaudited}
    report = Report()

    def one(dist: tuple[str, str]):
        name, version = dist
        try:
            return dist, vulnerabilities(name, version, fetch), None
        except Unaudited as why:
            return dist, None, str(why)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, list(distributions)))
    for (name, version), found, why in results:
        if found is None:
            accepted = canonicalize_name(name) in allow_unaudited
            (report.allowed if accepted else report.unaudited).append((name, version, why))
            continue
        records, source = found
        report.checked.append((name, version, source))
        seen: set[str] = set()  # one advisory is often listed under several ids (aliases)
        for record in records:
            if record.get("withdrawn"):
                continue
            finding = Finding(
                name=name,
                version=version,
                id=str(record.get("id", "?")),
                aliases=tuple(record.get("aliases") or ()),
                fixed_in=tuple(record.get("fixed_in") or ()),
                summary=" ".join(str(record.get("summary") or record.get("details") or "")
                                 .split())[:200],
                link=str(record.get("link") or ""),
            )
            if finding.names() & seen:
                continue
            seen |= finding.names()
            if finding.names() & ignore:
                report.ignored.append(finding)
            else:
                report.findings.append(finding)
    return report


def render(report: Report) -> str:
    lines = []
    by_source: dict[str, int] = {}
    for _, _, source in report.checked:
        by_source[source] = by_source.get(source, 0) + 1
    sources = ", ".join(f"{count} by {source}" for source, count in sorted(by_source.items()))
    lines.append(f"audited {len(report.checked)} distributions ({sources or 'none'})")
    for f in report.findings:
        fixed = ", ".join(f.fixed_in) or "no fixed release yet"
        aka = f" ({', '.join(f.aliases)})" if f.aliases else ""
        lines.append(f"VULNERABLE {f.name} {f.version}: {f.id}{aka}; fixed in {fixed}")
        if f.summary:
            lines.append(f"    {f.summary}")
        if f.link:
            lines.append(f"    {f.link}")
    for f in report.ignored:
        lines.append(f"ignored (--ignore-vuln) {f.name} {f.version}: {f.id}")
    for name, version, why in report.unaudited:
        lines.append(f"UNAUDITED {name} {version}: {why}")
    for name, version, why in report.allowed:
        lines.append(f"unaudited, allowed (--allow-unaudited) {name} {version}: {why}")
    if report.ok:
        lines.append("no known vulnerabilities")
    else:
        lines.append(
            f"{len(report.findings)} known vulnerabilities, {len(report.unaudited)} unaudited"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ignore-vuln",
        action="append",
        default=[],
        metavar="ID",
        help="an advisory id or alias to accept (say why where you pass it)",
    )
    parser.add_argument(
        "--allow-unaudited",
        action="append",
        default=[],
        metavar="NAME",
        help="a distribution whose installed release may stay unchecked, e.g. one held below "
        "its latest release by another package's upper bound (say why where you pass it)",
    )
    args = parser.parse_args(argv)
    try:
        report = audit(installed_distributions(), fetch=fetch_json, ignore=args.ignore_vuln,
                       allow_unaudited=args.allow_unaudited)
    except Unreachable as error:
        print(f"dependency audit: PyPI did not answer: {error}", file=sys.stderr)
        return 2
    print(render(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
