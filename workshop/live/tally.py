"""Ranking tallies with ties (pure: plain data in, plain data out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def rank(item_ids: Iterable[int], counts: Mapping[int, int]) -> list[dict]:
    """Order items by votes (then by id, i.e. proposal order); equal counts share a rank.

    >>> rank([1, 2, 3], {1: 2, 2: 5, 3: 2})
    [{'id': 2, 'votes': 5, 'rank': 1, 'tied': False}, {'id': 1, 'votes': 2, 'rank': 2, \
'tied': True}, {'id': 3, 'votes': 2, 'rank': 2, 'tied': True}]
    """
    rows = sorted(((counts.get(i, 0), i) for i in item_ids), key=lambda r: (-r[0], r[1]))
    by_count: dict[int, int] = {}
    for votes, _ in rows:
        by_count[votes] = by_count.get(votes, 0) + 1
    ranked, previous, current_rank = [], None, 0
    for position, (votes, item_id) in enumerate(rows, start=1):
        if votes != previous:
            current_rank, previous = position, votes
        ranked.append({"id": item_id, "votes": votes, "rank": current_rank,
                       "tied": by_count[votes] > 1})
    return ranked


def top_n(ranked: list[dict], n: int) -> tuple[list[int], bool]:
    """The first ``n`` ids, and whether a tie straddles the cut (so the coach should pick)."""
    chosen = [row["id"] for row in ranked[:n]]
    straddles = (
        0 < n < len(ranked) and ranked[n - 1]["votes"] == ranked[n]["votes"]
    )
    return chosen, straddles
