"""Speed of the knowledge index against rank_bm25 at 1k, 10k and 100k passages.

Passages are made by recombining real sentences of the shipped notices, tokenised once with
the knowledge base's own jieba analyzer, so both systems score the same tokens. Query time
includes tokenising the question. Also measures `KnowledgeBase.open()` from a warm cache.

Run: .venv/bin/python bench/knowledge_bench.py [--sizes 1000 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
import psutil
import yaml

from knowledge import KnowledgeBase
from knowledge.bm25 import BM25Index
from knowledge.kb import _State
from knowledge.models import Passage

ROOT = Path(__file__).resolve().parent.parent
# Every question set (main and held-out): the end-to-end ask() timing uses them all.
QUESTION_FILES = sorted((ROOT / "tests" / "data").glob("questions*.yaml"))
RANK_BM25_QUERIES_AT_100K = 20


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    return psutil.Process().memory_info().rss / 2**20


def corpus_sentences(kb: KnowledgeBase) -> tuple[list[str], list[list[str]]]:
    """Every sentence of the shipped notices, and its tokens from the knowledge base's analyzer."""
    sentences: list[str] = []
    for passage_id in range(kb.stats()["passages"]):
        text = kb.passage(passage_id).text
        sentences += [s for s in re.findall(r"[^。;;\n]+[。;;]?", text) if len(s) > 8]
    return sentences, [kb.analyzer.terms(sentence) for sentence in sentences]


def synthetic_layout(n_sentences: int, size: int, seed: int = 7) -> list[list[int]]:
    """`size` passages, each a list of 2–5 random sentence numbers."""
    rng = random.Random(seed)
    return [rng.sample(range(n_sentences), rng.randint(2, 5)) for _ in range(size)]


def synthetic_corpus(pieces: list[list[str]], layout: list[list[int]]) -> list[list[str]]:
    """Token lists of the passages laid out by synthetic_layout()."""
    return [[token for number in numbers for token in pieces[number]] for numbers in layout]


def synthetic_knowledge_base(
    kb: KnowledgeBase, sentences: list[str], layout: list[list[int]], corpus: list[list[str]]
) -> KnowledgeBase:
    """The real knowledge base's analyzer and notices over synthetic passages."""
    documents = kb._state.documents
    metas = [kb.passage(i) for i in range(kb.stats()["passages"]) if kb.passage(i).kind == "meta"]
    rng = random.Random(5)
    passages = metas + [
        Passage(rng.choice(documents).doc_id, "", "".join(sentences[n] for n in numbers))
        for numbers in layout
    ]
    meta_tokens = [kb.analyzer.terms(meta.text) for meta in metas]
    full_index = BM25Index.build(meta_tokens + corpus)
    state = _State(documents, passages, full_index, [], [], "bench", kb._state.pinyin)
    synthetic = KnowledgeBase(kb.cache_dir, None, kb.analyzer)
    synthetic._install(state)
    return synthetic


def percentile_ms(samples: list[float], q: float) -> float:
    """The q-th percentile of samples (seconds), in milliseconds."""
    return float(np.percentile(samples, q)) * 1000


def best_of(runs: int, measure) -> list[float]:
    """The run with the lowest p99 of `runs` (the machine is shared; noise only adds time)."""
    gc.collect()
    gc.disable()
    try:
        return min((measure() for _ in range(runs)), key=lambda s: np.percentile(s, 99))
    finally:
        gc.enable()


def time_ours(kb: KnowledgeBase, index: BM25Index, queries: list[str]) -> list[float]:
    """Per-query seconds: tokenise + score + rank top 5."""
    samples = []
    for question in queries:
        started = time.perf_counter()
        index.search(kb.analyzer.terms(question), k=5)
        samples.append(time.perf_counter() - started)
    return samples


def time_asks(kb: KnowledgeBase, questions: list[str]) -> list[float]:
    """Per-question seconds of the full KnowledgeBase.ask()."""
    samples = []
    for question in questions:
        started = time.perf_counter()
        kb.ask(question)
        samples.append(time.perf_counter() - started)
    return samples


def time_rank_bm25(kb: KnowledgeBase, model, queries: list[str]) -> list[float]:
    """Per-query seconds for rank_bm25: tokenise + score every passage + top 5."""
    samples = []
    for question in queries:
        started = time.perf_counter()
        scores = model.get_scores(kb.analyzer.terms(question))
        np.argpartition(-scores, 5)[:5]
        samples.append(time.perf_counter() - started)
    return samples


def startup_figures(cache_dir: Path) -> tuple[float, float]:
    """Seconds and RSS (MB) of KnowledgeBase.open() from a warm cache, in a fresh process."""
    code = (
        "import time, psutil; t=time.perf_counter();"
        "from knowledge import KnowledgeBase; from pathlib import Path;"
        f"kb=KnowledgeBase.open(Path({str(cache_dir)!r}));"
        "kb.ask('参训教师年龄有什么要求');"
        "print(time.perf_counter()-t, psutil.Process().memory_info().rss/2**20)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(output[0]), float(output[1])


def main() -> None:
    """Print the speed table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-rank-bm25", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="timing passes; the best is shown")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        cache_dir = Path(scratch)
        open_seconds, open_rss = startup_figures(cache_dir)
        kb = KnowledgeBase.open(cache_dir)
        sentences, pieces = corpus_sentences(kb)
        questions = [
            item["q"]
            for path in QUESTION_FILES
            for item in yaml.safe_load(path.read_text("utf-8"))
        ]
        rng = random.Random(11)
        queries = [rng.choice(questions) for _ in range(args.queries)]
        tokenise = []
        for question in queries:
            started = time.perf_counter()
            kb.analyzer.terms(question)
            tokenise.append(time.perf_counter() - started)

        print(
            f"sentences recombined: {len(pieces)}; queries: {len(queries)} (top-5), "
            f"rank_bm25 at 100k: {RANK_BM25_QUERIES_AT_100K}; best of {args.runs} passes"
        )
        print(
            f"KnowledgeBase.open() from cache + first ask: {open_seconds:.2f} s, "
            f"RSS {open_rss:.0f} MB"
        )
        header = (
            f"{'passages':>9} | {'system':<10} | {'build s':>8} | {'p50 ms':>8} | "
            f"{'p99 ms':>8} | {'MB idx/RSSΔ':>10}| {'speed-up p50':>12}"
        )
        print(
            f"query tokenisation alone: p50 {percentile_ms(tokenise, 50):.3f} ms, "
            f"p99 {percentile_ms(tokenise, 99):.3f} ms (included below)"
        )
        print(header)
        print("-" * len(header))
        for size in args.sizes:
            layout = synthetic_layout(len(pieces), size)
            corpus = synthetic_corpus(pieces, layout)
            gc.collect()
            before = rss_mb()
            started = time.perf_counter()
            index = BM25Index.build(corpus)
            build = time.perf_counter() - started
            arrays = (index.indptr, index.doc_ids, index.weights, index.idf, index.dense)
            index_mb = sum(array.nbytes for array in arrays) / 2**20
            grown = rss_mb() - before
            ours = best_of(args.runs, partial(time_ours, kb, index, queries))
            p50 = percentile_ms(ours, 50)
            print(
                f"{size:>9} | {'numpy CSR':<10} | {build:>8.2f} | {p50:>8.3f} | "
                f"{percentile_ms(ours, 99):>8.3f} | {index_mb:>4.0f}/{grown:<4.0f}| {'':>12}"
            )
            if not args.skip_rank_bm25:
                from rank_bm25 import BM25Okapi

                gc.collect()
                before = rss_mb()
                started = time.perf_counter()
                model = BM25Okapi(corpus, k1=1.2, b=0.75)
                build_theirs = time.perf_counter() - started
                grown = rss_mb() - before
                few = queries[:RANK_BM25_QUERIES_AT_100K] if size >= 100000 else queries
                theirs = best_of(args.runs, partial(time_rank_bm25, kb, model, few))
                p50_theirs = percentile_ms(theirs, 50)
                print(
                    f"{size:>9} | {'rank_bm25':<10} | {build_theirs:>8.2f} | {p50_theirs:>8.3f} |"
                    f" {percentile_ms(theirs, 99):>8.3f} | {'-':>4}/{grown:<4.0f}| "
                    f"{p50_theirs / p50:>11.0f}x"
                )
                del model
            if size == max(args.sizes):
                whole = synthetic_knowledge_base(kb, sentences, layout, corpus)
                asks = best_of(args.runs, partial(time_asks, whole, questions))
                print(
                    f"KnowledgeBase.ask() end to end at {size} passages (correction, coverage,"
                    f" ranking, citations), {len(questions)} questions: p50 "
                    f"{percentile_ms(asks, 50):.2f} ms, p99 {percentile_ms(asks, 99):.2f} ms"
                )
                del whole
            del index, corpus


if __name__ == "__main__":
    main()
