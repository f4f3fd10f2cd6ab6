"""Coach-training tracks as data (``exercises/tracks.toml``): read and validate (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workshop.exercises.toml_reader import Problem, TomlReader, parse_toml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYS = {"slug", "title", "level", "description", "prerequisite", "sets", "evidence_workshops",
        "evidence_min_participants"}


@dataclass(frozen=True)
class RequiredSet:
    slug: str
    pass_mark: float


@dataclass(frozen=True)
class Track:
    slug: str
    title: str
    level: int
    description: str
    prerequisite: str | None
    sets: tuple[RequiredSet, ...]
    evidence_workshops: int
    evidence_min_participants: int


class TracksError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_tracks(path: str | Path, known_sets: set[str] | None = None
                ) -> tuple[list[Track], list[Problem]]:
    """Parse the tracks file; every problem comes back with its file and line."""
    path = Path(path)
    problems: list[Problem] = []
    name = str(path)
    if not path.is_file():
        return [], [Problem(name, 0, "tracks file not found")]
    text = path.read_text(encoding="utf-8")
    data = parse_toml(name, text, 1, problems)
    if data is None:
        return [], problems
    reader = TomlReader(name, text, 1, problems)
    tracks: list[Track] = []
    for index, raw in enumerate(reader.tables(data, "tracks")):
        track = _read_track(reader, raw, index, known_sets)
        if track:
            tracks.append(track)
    slugs = [t.slug for t in tracks]
    for index, track in enumerate(tracks):
        line = reader.line("slug", "tracks", index)
        if slugs.count(track.slug) > 1:
            problems.append(Problem(name, line, f"track slug {track.slug!r} is used twice"))
        if track.prerequisite and track.prerequisite not in slugs:
            problems.append(Problem(name, reader.line("prerequisite", "tracks", index),
                                    f"prerequisite {track.prerequisite!r} is not a track here"))
        if track.prerequisite == track.slug:
            problems.append(Problem(name, line, "a track cannot require itself"))
    return tracks, problems


def _read_track(reader: TomlReader, raw: dict, index: int, known_sets: set[str] | None
                ) -> Track | None:
    reader.check_keys(raw, KEYS, "tracks", index)
    start = len(reader.problems)
    slug = reader.get(raw, "slug", str, "", required=True, table="tracks", index=index)
    if slug and not SLUG_RE.match(slug):
        reader.problem(reader.line("slug", "tracks", index),
                       f"slug {slug!r} must be lower-case words joined by hyphens")
    title = reader.get(raw, "title", str, "", required=True, table="tracks", index=index)
    level = reader.get(raw, "level", int, 0, required=True, table="tracks", index=index)
    description = reader.get(raw, "description", str, "", table="tracks", index=index)
    prerequisite = reader.get(raw, "prerequisite", str, "", table="tracks", index=index)
    workshops = reader.get(raw, "evidence_workshops", int, 0, table="tracks", index=index)
    people = reader.get(raw, "evidence_min_participants", int, 0, table="tracks", index=index)
    if workshops < 0 or people < 0:
        reader.problem(reader.line("evidence_workshops", "tracks", index),
                       "evidence numbers cannot be negative")
    sets = []
    raw_sets = raw.get("sets", [])
    if not isinstance(raw_sets, list):
        raw_sets = []
        reader.problem(reader.line("sets", "tracks", index), "'sets' must be a list of tables")
    for item in raw_sets:
        line = reader.line("sets", "tracks", index)
        if not isinstance(item, dict) or set(item) - {"slug", "pass_mark"}:
            reader.problem(line, "each entry of 'sets' is { slug = \"...\", pass_mark = 0.7 }")
            continue
        mark = item.get("pass_mark")
        if not isinstance(mark, int | float) or isinstance(mark, bool) or not 0 < mark <= 1:
            reader.problem(line, f"pass_mark of {item.get('slug')!r} must be in (0, 1]")
            continue
        if known_sets is not None and item.get("slug") not in known_sets:
            reader.problem(line, f"exercise set {item.get('slug')!r} does not exist")
            continue
        sets.append(RequiredSet(str(item.get("slug")), float(mark)))
    if len(reader.problems) > start:
        return None
    return Track(slug, title, level, description, prerequisite or None, tuple(sets), workshops,
                 people)


def load_tracks(path: str | Path, known_sets: set[str] | None = None) -> list[Track]:
    """The valid tracks, or TracksError listing every problem."""
    tracks, problems = read_tracks(path, known_sets)
    if problems:
        raise TracksError(problems)
    return sorted(tracks, key=lambda t: (t.level, t.slug))
