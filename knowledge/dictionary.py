"""jieba's word frequencies in a memory-mapped trie instead of a Python dict.

jieba keeps its dictionary as a dict of ~500,000 words and word prefixes: about 63 MB of every
process that answers questions, most of a bot's memory. `WordFrequencies` holds the same
frequencies in a MARISA trie and an array (a few MB, mapped from a file in the cache directory,
so processes on one machine share them), and `CompactTokenizer` is jieba's tokenizer reading it:
it cuts every text exactly as `jieba.Tokenizer` with the same dictionary and added words does
(`tests/knowledge/test_dictionary.py` compares them on the notices and the question sets).

Usage:

    tokenizer = compact_tokenizer(cache_dir, added_words=[("国培计划", 2000)])
    tokenizer.lcut("国培计划的学员")
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import jieba
import marisa_trie

# Written with the trie: a file of another layout is rebuilt, not misread.
LAYOUT = "words-2"


class WordFrequencies(Mapping[str, int]):
    """Word → jieba frequency (words of frequency 0 and bare prefixes are left out), with the
    dictionary's `total`; `ends(text, start)` lists where the words starting at `start` end."""

    def __init__(
        self, trie: marisa_trie.Trie, frequencies: array, total: int, longest: int
    ) -> None:
        self._trie = trie
        self._frequencies = frequencies
        self.total = total
        self._longest = longest

    @property
    def longest(self) -> int:
        """The length of the longest word."""
        return self._longest

    def __getitem__(self, word: str) -> int:
        return self._frequencies[self._trie[word]]

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        key_id = self._trie.get(word)
        return default if key_id is None else self._frequencies[key_id]

    def __contains__(self, word: object) -> bool:
        return word in self._trie

    def __iter__(self) -> Iterator[str]:
        return self._trie.iterkeys()

    def __len__(self) -> int:
        return len(self._trie)

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        frequencies = self._frequencies
        return ((word, frequencies[key_id]) for word, key_id in self._trie.iteritems())

    def ends(self, text: str, start: int) -> list[int]:
        """The last index of each dictionary word that begins at `start` in `text`, shortest
        first."""
        # The trie walks `text` from `start`, so the words come shortest first.
        words = self._trie.prefixes(text[start : start + self._longest])
        return [start + len(word) - 1 for word in words]


class CompactTokenizer(jieba.Tokenizer):
    """jieba.Tokenizer over `WordFrequencies`: the same cuts, without jieba's prefix dict."""

    def __init__(self, frequencies: WordFrequencies) -> None:
        super().__init__()
        self.FREQ = frequencies
        self.total = frequencies.total
        self.initialized = True

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 (jieba's name)
        """Where each word starting at each position ends (the position itself if none does),
        as jieba's own `get_DAG`."""
        ends = self.FREQ.ends
        return {start: ends(sentence, start) or [start] for start in range(len(sentence))}

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        raise TypeError("CompactTokenizer is read-only: pass added words to compact_tokenizer()")


def compact_tokenizer(
    cache_dir: Path, added_words: Sequence[tuple[str, int]]
) -> CompactTokenizer:
    """jieba's dictionary with `added_words` ((word, frequency) pairs, each added as
    `jieba.Tokenizer.add_word(word, freq)` would, in order), from a trie cached in `cache_dir`
    (built there in about 2 s when missing)."""
    digest = hashlib.sha256(f"{LAYOUT}\n{jieba.__version__}".encode())
    for word, frequency in added_words:
        digest.update(f"\n{word}\t{frequency}".encode())
    stem = cache_dir / f"jieba-words-{digest.hexdigest()[:16]}"
    try:
        return CompactTokenizer(_load(stem))
    except (OSError, ValueError, RuntimeError):  # missing, or cut short: made again
        _build(stem, added_words)
        return CompactTokenizer(_load(stem))


def _load(stem: Path) -> WordFrequencies:
    data = stem.with_suffix(".freq").read_bytes()
    trie = marisa_trie.Trie()
    trie.mmap(str(stem.with_suffix(".trie")))
    frequencies = array("q")
    frequencies.frombytes(data[16:])
    if len(frequencies) != len(trie):
        raise ValueError(f"{stem}: {len(frequencies)} frequencies for {len(trie)} words")
    total, longest = (int.from_bytes(data[at : at + 8], "little") for at in (0, 8))
    return WordFrequencies(trie, frequencies, total, longest)


def _build(stem: Path, added_words: Sequence[tuple[str, int]]) -> None:
    plain = jieba.Tokenizer()
    frequencies, total = plain.gen_pfdict(plain.get_dict_file())
    for word, frequency in added_words:
        frequencies[word] = frequency
        total += frequency
    words = {word: frequency for word, frequency in frequencies.items() if frequency}
    trie = marisa_trie.Trie(words)
    # Stored with the frequencies: finding it again walks 350,000 keys, 85 ms of every start.
    longest = max(map(len, words), default=1)
    by_id = array("q", bytes(8 * len(trie)))
    for word, key_id in trie.iteritems():
        by_id[key_id] = words[word]
    stem.parent.mkdir(parents=True, exist_ok=True)
    # Whole files or none, when two processes build at once: the frequencies, then the trie.
    for suffix, payload in (
        (".freq", total.to_bytes(8, "little") + longest.to_bytes(8, "little") + by_id.tobytes()),
        (".trie", trie.tobytes()),
    ):
        handle, partial = tempfile.mkstemp(dir=stem.parent, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(partial, stem.with_suffix(suffix))
    # Dictionaries of earlier word lists (and jieba's pickled dict of earlier versions); a
    # process still mapping one keeps reading it.
    for stale in stem.parent.glob("jieba-*"):
        if stale.stem != stem.name:
            stale.unlink(missing_ok=True)
