"""Text analysis: normalisation, jieba tokenisation with a domain dictionary, and synonyms."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba

from knowledge.cleaning import to_simplified

TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """NFKC, traditional→simplified, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def _data_lines(name: str) -> list[str]:
    text = resources.files("knowledge.data").joinpath(name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


STOPWORDS = frozenset(_data_lines("stopwords.txt"))


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """The domain dictionary shipped with the package."""
    return tuple(_data_lines("domain_words.txt"))


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Canonical term → its variants, from the shipped synonym table."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("synonyms.txt"):
        canonical, _, variants = line.partition("=")
        groups[canonical.strip()] = tuple(variants.split())
    return groups


def resource_fingerprint() -> str:
    """Text of the dictionaries, so the index cache changes when they do."""
    parts = (
        "\n".join(domain_words()),
        repr(sorted(synonym_groups().items())),
        repr(sorted(STOPWORDS)),
    )
    return "\n".join(parts)


class Analyzer:
    """Turns text into canonical search terms with an owned jieba tokenizer."""

    def __init__(self, cache_dir: Path) -> None:
        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.tokenizer.tmp_dir = str(cache_dir)
        self.tokenizer.cache_file = "jieba.cache"
        self.tokenizer.initialize()
        self.canonical: dict[str, str] = {}
        self.surfaces: dict[str, tuple[str, ...]] = {}
        for word in domain_words():
            self.tokenizer.add_word(word, freq=20000)
        for canonical, variants in synonym_groups().items():
            self.surfaces[canonical] = (canonical, *variants)
            for variant in (canonical, *variants):
                if len(variant) > 1 and CJK_RUN.search(variant):
                    self.tokenizer.add_word(variant, freq=20000)
                self.canonical[variant] = canonical

    def raw_tokens(self, text: str) -> list[str]:
        """jieba search-mode tokens of normalised text, without stop words or punctuation."""
        return [
            token
            for token in self.tokenizer.cut_for_search(normalize(text))
            if TOKEN_OK.search(token) and token not in STOPWORDS
        ]

    def terms(self, text: str) -> list[str]:
        """Canonical terms for indexing or querying (synonyms folded, lone characters dropped)."""
        return self.fold(self.raw_tokens(text))

    def fold(self, tokens: list[str]) -> list[str]:
        """Map tokens to canonical terms, dropping single CJK characters with no synonym."""
        folded = []
        for token in tokens:
            canonical = self.canonical.get(token)
            if canonical:
                folded.append(canonical)
            elif len(token) > 1 or not CJK_RUN.match(token):
                folded.append(token)
        return folded

    def surface_forms(self, term: str) -> tuple[str, ...]:
        """Strings that may stand for `term` in a passage (the term and its synonyms)."""
        return self.surfaces.get(term, (term,))

    def segment(self, text: str) -> list[str]:
        """Plain jieba segmentation (not search mode) of normalised text."""
        return list(self.tokenizer.cut(text))
