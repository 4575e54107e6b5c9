"""The analyzer's jieba dictionary, loaded from its own cache, is jieba's dictionary."""

from __future__ import annotations

from pathlib import Path

import jieba

from knowledge.analyzer import load_dictionary

QUESTION = "国培计划的参训教师年龄有什么要求"


def test_cached_dictionary_cuts_as_jieba_does(tmp_path: Path) -> None:
    reference = jieba.Tokenizer()
    reference.initialize()
    first, second = jieba.Tokenizer(), jieba.Tokenizer()

    load_dictionary(first, tmp_path)  # builds and caches
    load_dictionary(second, tmp_path)  # reads the cache

    for tokenizer in (first, second):
        assert tokenizer.total == reference.total
        assert tokenizer.FREQ == reference.FREQ
        assert tokenizer.lcut(QUESTION) == reference.lcut(QUESTION)


def test_a_broken_cache_is_rebuilt(tmp_path: Path) -> None:
    load_dictionary(jieba.Tokenizer(), tmp_path)
    (cache,) = tmp_path.glob("jieba-*.pickle")
    cache.write_bytes(b"\x80\x05 cut off")

    tokenizer = jieba.Tokenizer()
    load_dictionary(tokenizer, tmp_path)

    assert "国家级" in tokenizer.lcut("中小学幼儿园教师国家级培训计划")
    assert cache.stat().st_size > 1_000_000
