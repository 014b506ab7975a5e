"""The meaning gate's searches through the call graph answer as the whole reach would: whether one of some
nodes, or all of them, are reached from a branch's calls, asked in any order of the same search, on graphs
with cycles, and bounded by a finished search's reach."""

from __future__ import annotations

import random

from flagaudit.checks.repurposed import _Search
from flagaudit.model.callgraph import CallGraph


def _graph(seed: int, size: int = 60, edges: int = 90) -> CallGraph:
    rng = random.Random(seed)
    successors: dict[str, set[str]] = {f"n{i}": set() for i in range(size)}
    for _ in range(edges):
        successors[f"n{rng.randrange(size)}"].add(f"n{rng.randrange(size)}")
    return CallGraph(successors, {})


def _ask(search: _Search, whole: set[str], rng: random.Random, nodes: list[str], any_share: float) -> None:
    """One question, "any of" or "all of" some random nodes, answered as the whole reach answers it."""
    targets = set(rng.sample(nodes, rng.randrange(1, 6)))
    if rng.random() < any_share:
        assert search.any_of(targets) == (not targets.isdisjoint(whole)), targets
    else:
        assert search.all_of(targets) == (targets <= whole), targets
    assert search.seen <= whole


def test_answers_are_those_of_the_whole_reach() -> None:
    for seed in range(200):
        graph, rng = _graph(seed), random.Random(seed + 1000)
        nodes = sorted(graph.successors)
        starts = set(rng.sample(nodes, rng.randrange(1, 4)))
        whole = starts | graph.descendants(starts)
        search = _Search(graph.successors, starts, [])
        for _ in range(12):
            _ask(search, whole, rng, nodes, 0.5)
        while search.frontier:
            search.any_of({"absent"})
        assert search.seen == whole  # a search left off goes on where it stopped, losing no callee


def test_searches_that_take_a_finished_ones_reach_answer_as_the_whole_reach() -> None:
    """Searches on one graph share what they finished: one that reached every start of a finished search takes
    its whole reach at once. Asked in turns, each still answers as its own whole reach would."""
    taken = 0
    for seed in range(200):
        graph, rng = _graph(seed, edges=70), random.Random(seed + 2000)
        nodes = sorted(graph.successors)
        finished: list[_Search] = []
        searches = []
        for _ in range(5):
            starts = set(rng.sample(nodes, rng.randrange(1, 3)))
            searches.append((_Search(graph.successors, starts, finished), starts | graph.descendants(starts)))
        for _ in range(40):
            _ask(*rng.choice(searches), rng, nodes, 0.3)
        for search, whole in searches:
            while search.frontier:
                search.any_of({"absent"})
            assert search.seen == whole
            taken += len(search.taken)
    assert taken > 50  # the case this is about did occur
