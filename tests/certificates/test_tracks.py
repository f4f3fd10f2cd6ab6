"""Tracks as data: the shipped ladder is valid; every problem is reported with its line."""

from __future__ import annotations

from pathlib import Path

from workshop.certificates.tracks import load_tracks, read_tracks
from workshop.exercises.content import load_bank

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_ladder_is_valid_and_ordered():
    sets = {s.slug for s in load_bank(ROOT / "exercises").sets}
    tracks = load_tracks(ROOT / "exercises" / "tracks.toml", sets)
    assert [t.level for t in tracks] == [1, 2, 3, 4]
    assert [t.prerequisite for t in tracks] == [None, "practitioner", "team-facilitator",
                                                "organisation-coach"]
    assert tracks[1].evidence_workshops >= 1


def test_problems_come_with_file_and_line(tmp_path):
    path = tmp_path / "tracks.toml"
    path.write_text(
        '[[tracks]]\n'
        'slug = "Bad Slug"\n'
        'title = "T"\n'
        'level = 1\n'
        'sets = [ { slug = "nope", pass_mark = 0.7 } ]\n'
        '\n'
        '[[tracks]]\n'
        'slug = "two"\n'
        'level = "high"\n'
        'prerequisite = "missing"\n'
        'colour = "red"\n', encoding="utf-8")
    _, problems = read_tracks(path, known_sets={"okr-foundations"})
    shown = [str(p).replace(str(tmp_path) + "/", "") for p in problems]
    assert "tracks.toml:2: slug 'Bad Slug' must be lower-case words joined by hyphens" in shown
    assert "tracks.toml:5: exercise set 'nope' does not exist" in shown
    assert "tracks.toml:11: unknown key 'colour' (allowed: description, evidence_min_" \
        "participants, evidence_workshops, level, prerequisite, sets, slug, title)" in shown
    assert "tracks.toml:9: 'level' must be a int" in shown
    assert any(s.startswith("tracks.toml:7: missing required key 'title'") for s in shown)


def test_invalid_toml_points_at_the_line(tmp_path):
    path = tmp_path / "tracks.toml"
    path.write_text('[[tracks]]\nslug = "a"\ntitle = \n', encoding="utf-8")
    _, problems = read_tracks(path)
    assert problems[0].line == 3 and "invalid TOML" in problems[0].message
