"""The compact dictionary cuts every text as jieba's own tokenizer does with the same added words,
is built once per word list and reused, and a damaged or stale file is replaced."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from knowledge.analyzer import Analyzer, dictionary_additions, normalize
from knowledge.dictionary import CompactTokenizer, compact_tokenizer
from tests.knowledge.conftest import CORPUS
from tests.knowledge.test_quality import load_quality_module

ADDED = [("国培计划", 2000), ("送教下乡", 2000), ("国培计划", 2000), ("三区三州", 2000)]


def jieba_with(added: list[tuple[str, int]]) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, frequency in added:
        tokenizer.add_word(word, freq=frequency)
    return tokenizer


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The shipped notices and every question of the unsealed question sets, normalised."""
    quality = load_quality_module()
    sets = [name for name in quality.SETS if name != "all"]
    questions = [item["q"] for name in sets for item in quality.load_set(name)]
    notices = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    return [normalize(text) for text in notices + questions]


def test_the_analyzer_cuts_as_jieba_with_its_domain_words_and_synonyms(
    tmp_path: Path, texts: list[str]
) -> None:
    compact = Analyzer(tmp_path).tokenizer
    assert isinstance(compact, CompactTokenizer)
    reference = jieba_with(dictionary_additions())
    assert compact.total == reference.total
    for text in texts:
        assert compact.lcut(text) == reference.lcut(text), text[:40]


def test_cuts_are_jiebas_own_for_the_same_added_words(tmp_path: Path, texts: list[str]) -> None:
    compact = compact_tokenizer(tmp_path, ADDED)
    reference = jieba_with(ADDED)
    assert compact.total == reference.total
    for text in texts:
        assert compact.lcut(text) == reference.lcut(text), text[:40]
        assert compact.lcut(text, HMM=False) == reference.lcut(text, HMM=False), text[:40]
        assert compact.lcut_for_search(text) == reference.lcut_for_search(text), text[:40]
    for word in ("国培计划", "教师", "国", "不是一个词语"):
        assert compact.FREQ.get(word) == (reference.FREQ.get(word) or None)


def test_the_dictionary_is_built_once_and_reused(tmp_path: Path) -> None:
    compact_tokenizer(tmp_path, ADDED)
    files = {path: path.stat().st_mtime_ns for path in tmp_path.glob("jieba-words-*")}
    assert {path.suffix for path in files} == {".trie", ".freq"}
    again = compact_tokenizer(tmp_path, ADDED)
    assert {path: path.stat().st_mtime_ns for path in tmp_path.glob("jieba-*")} == files
    assert again.lcut("国培计划送教下乡") == ["国培计划", "送教下乡"]


def test_a_damaged_file_is_built_again(tmp_path: Path) -> None:
    compact_tokenizer(tmp_path, ADDED)
    (frequencies,) = tmp_path.glob("jieba-words-*.freq")
    frequencies.write_bytes(frequencies.read_bytes()[:1000])
    tokenizer = compact_tokenizer(tmp_path, ADDED)
    assert tokenizer.lcut("国培计划送教下乡") == ["国培计划", "送教下乡"]
    assert frequencies.stat().st_size > 1000


def test_another_word_list_replaces_the_stale_files(tmp_path: Path) -> None:
    (tmp_path / "jieba-0.42.1-dictionary.pickle").write_bytes(b"old cache")
    compact_tokenizer(tmp_path, ADDED)
    compact_tokenizer(tmp_path, ADDED[:1])
    names = sorted(path.name for path in tmp_path.glob("jieba-*"))
    assert len(names) == 2 and names[0].endswith(".freq") and names[1].endswith(".trie")
    assert compact_tokenizer(tmp_path, ADDED[:1]).lcut("送教下乡") != ["送教下乡"]


def test_words_cannot_be_added_afterwards(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="compact_tokenizer"):
        compact_tokenizer(tmp_path, ADDED).add_word("新词")
