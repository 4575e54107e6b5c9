"""BM25 scores: the numpy index equals the formula and rank_bm25."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from knowledge.bm25 import BM25Index, reference_scores


def random_corpus(size: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    common = [f"c{i}" for i in range(5)]
    rare = [f"r{i}" for i in range(200)]
    return [
        [rng.choice(common if rng.random() < 0.4 else rare) for _ in range(rng.randint(1, 40))]
        for _ in range(size)
    ]


@pytest.mark.parametrize("size", [30, 600])
def test_scores_equal_the_formula(size: int) -> None:
    corpus = random_corpus(size)
    index = BM25Index.build(corpus)
    assert (size >= 256) == bool(index.dense_row)
    for query in (["c0"], ["r1", "r7", "c2"], ["r3", "r3", "nope"], ["c1", "c2", "c3", "r9"]):
        expected = np.array(reference_scores(corpus, query))
        actual = index.score(index.term_ids(query))
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("size", [40, 600])
def test_okapi_variant_equals_rank_bm25(size: int) -> None:
    corpus = random_corpus(size, seed=size)
    index = BM25Index.build(corpus, idf_kind="okapi")
    theirs = BM25Okapi(corpus, k1=1.2, b=0.75, epsilon=0.25)
    for query in (["c0", "r5"], ["r2", "r2", "c4"], ["r100", "r150", "r199"]):
        np.testing.assert_allclose(
            index.score(index.term_ids(query)), theirs.get_scores(query), rtol=1e-5, atol=1e-5
        )


def test_rank_returns_best_first_and_only_matches() -> None:
    corpus = [["a", "b"], ["a"], ["c"], ["a", "a", "a", "b"]]
    index = BM25Index.build(corpus)
    ranked = index.search(["a", "b"], k=10)
    assert ranked.ids.tolist()[0] in (0, 3)
    assert 2 not in ranked.ids.tolist()
    assert list(ranked.scores) == sorted(ranked.scores, reverse=True)
    assert len(index.search(["zzz"], k=3).ids) == 0


@pytest.mark.parametrize("seed", range(40))
def test_ranking_large_score_arrays_finds_the_same_best_as_a_full_sort(seed: int) -> None:
    """Ranking picks blocks of scores first; the k best must be those a full sort finds, also
    with ties, few positive scores, and a length that is no multiple of the block."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 120_000)), int(rng.integers(1, 50))
    scores = rng.random(n).astype(np.float32)
    scores[rng.random(n) < rng.random()] = 0
    if seed % 3 == 0:
        scores = np.round(scores * 4) / 4  # many ties
    ranked = BM25Index.rank(scores, k)
    best = np.sort(scores)[::-1][: min(k, n)]
    assert ranked.scores.tolist() == best[best > 0].tolist()
    assert np.array_equal(scores[ranked.ids], ranked.scores)


def test_boosts_scale_term_contributions() -> None:
    corpus = random_corpus(50)
    index = BM25Index.build(corpus)
    ids = index.term_ids(["r1", "c0"])
    boosted = index.score(ids, [1.0, 0.5])
    expected = index.score(ids[:1]) + 0.5 * index.score(ids[1:])
    np.testing.assert_allclose(boosted, expected, rtol=1e-5, atol=1e-6)


def test_save_and_load_round_trip(tmp_path) -> None:
    corpus = random_corpus(300)
    index = BM25Index.build(corpus)
    index.save(tmp_path / "index.npz")
    loaded = BM25Index.load(tmp_path / "index.npz")
    query = index.term_ids(["c0", "r4"])
    assert loaded.vocabulary == index.vocabulary
    np.testing.assert_array_equal(loaded.score(query), index.score(query))


def test_empty_corpus_and_empty_query() -> None:
    index = BM25Index.build([])
    assert index.search(["a"], k=3).ids.size == 0
    assert BM25Index.build([["a"]]).score([]).sum() == 0
