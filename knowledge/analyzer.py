"""Text analysis: normalisation, jieba tokenisation with a domain dictionary, and synonyms."""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba

from knowledge.cleaning import to_simplified
from knowledge.dictionary import compact_tokenizer

TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]")
# 几所, 几次, 哪一年, 多少钱 …: the question word itself carries no topic.
INTERROGATIVE = re.compile(
    r"^(?:几|哪|多少|什么|怎么|怎样|如何|为何|为什么|谁)[\u4e00-\u9fff]{0,2}$"
    # A-not-A questions: 算不算, 能不能, 有没有, 可不可以
    r"|^([\u4e00-\u9fff])[不没]\1[\u4e00-\u9fff]?$|^([\u4e00-\u9fff]{2})[不没]\2$"
)
DOMAIN_WORD_FREQ = 2000
OOV_WEIGHT = 12.0
SINGLE_CHAR_MAX_WEIGHT = 6.0
MAX_WEIGHT = 14.0
MIN_WORD_FREQ = 3
# Characters that carry no topic: an unknown question word made of them (由谁来) is dropped,
# and they are trimmed from the ends of other unknown words (要交 → 交, 学够 → 学).
FUNCTION_CHARS = frozenset(
    "的了着过吗呢吧啊呀嘛么呗哈是在有和与及或也都就还又被把让给对从向于为将这那哪啥咋谁由来去"
    "要会能可得够该应我你他她它们咱几多少怎样些个"
)
# Enumerations of single characters (听、说、读、写) are also indexed joined (听说读写), the way
# a question writes them; the first and last characters may be glued to a neighbouring word.
ENUMERATION = re.compile(
    r"[\u4e00-\u9fff](?:[、,，/][\u4e00-\u9fff]){2,}(?![\u4e00-\u9fff]?[、,，/])"
)
ENUMERATION_SEPARATORS = re.compile(r"[、,，/]")


def enumeration_words(text: str) -> list[str]:
    """Single-character enumerations of the text, written without separators."""
    return [ENUMERATION_SEPARATORS.sub("", match) for match in ENUMERATION.findall(text)]


def normalize(text: str) -> str:
    """NFKC, traditional→simplified, lower case (for questions and raw text)."""
    return fold_text(to_simplified(text))


def fold_text(text: str) -> str:
    """NFKC and lower case, for text that is simplified already (cleaned passages)."""
    return unicodedata.normalize("NFKC", text).lower().replace("%", "百分比")


def _data_lines(name: str) -> list[str]:
    text = resources.files("knowledge.data").joinpath(name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


STOPWORDS = frozenset(_data_lines("stopwords.txt"))


@lru_cache(maxsize=1)
def intent_rewrites() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Question phrasings rewritten the way the notices put them (有什么用 → 作为什么依据)."""
    rules = []
    for line in _data_lines("intents.txt"):
        pattern, _, replacement = line.partition(" => ")
        rules.append((re.compile(pattern.strip()), replacement.strip()))
    return tuple(rules)


# 「19年国培」, 「这笔22年的预算」: a trainee's two-digit year, where it cannot be a duration
# (「工作20年」, 「教龄满15年」, 「10年以上」 keep theirs).
SHORT_YEAR = re.compile(
    r"(?:^|(?<=[\s,，。;；!?！？、这那笔是在从到和至或]))([012]\d)年(?![以内后前多来间左级])"
)


# A year in Chinese numerals, as voice input writes it: 二零一九年, 二〇二二年.
CHINESE_YEAR = re.compile(r"([一二][零〇一二三四五六七八九]{3})年(?!级)")
CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九", "00123456789")
# 一九年 as 19年 (then 2019年), where a two-digit year may stand.
CHINESE_SHORT_YEAR = re.compile(
    SHORT_YEAR.pattern.replace("([012]\\d)", "([零〇一二][零〇一二三四五六七八九])")
)


def expand_short_years(text: str) -> str:
    """The question with its years in digits, two-digit ones written out: 19年国培, 一九年国培
    and 二零一九年国培 → 2019年国培."""
    text = CHINESE_YEAR.sub(lambda match: match.group(1).translate(CHINESE_DIGITS) + "年", text)
    text = CHINESE_SHORT_YEAR.sub(
        lambda match: match.group(1).translate(CHINESE_DIGITS) + "年", text
    )
    return SHORT_YEAR.sub(lambda match: f"20{match.group(1)}年", text)


def rewrite_intents(text: str) -> str:
    """The normalised question with its colloquial phrasings put in the notices' words."""
    for pattern, replacement in intent_rewrites():
        text = pattern.sub(replacement, text)
    return text


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


def dictionary_additions() -> list[tuple[str, int]]:
    """(word, frequency) added to jieba's dictionary: the domain words, then every synonym of
    two or more characters with a Chinese one, so jieba cuts them whole."""
    added = [(word, DOMAIN_WORD_FREQ) for word in domain_words()]
    for canonical, variants in synonym_groups().items():
        for variant in (canonical, *variants):
            if len(variant) > 1 and CJK_RUN.search(variant):
                added.append((variant, DOMAIN_WORD_FREQ))
    return added


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
        self.tokenizer = compact_tokenizer(cache_dir, dictionary_additions())
        self.canonical: dict[str, str] = {}
        self.surfaces: dict[str, tuple[str, ...]] = {}
        for canonical, variants in synonym_groups().items():
            self.surfaces[canonical] = (canonical, *variants)
            for variant in (canonical, *variants):
                self.canonical[variant] = canonical
        self._log_total = math.log(self.tokenizer.total)

    def question_words(self, text: str) -> set[str]:
        """Every word of the text folded to its term, stop words and question words included."""
        return {self.fold_word(word) for word in self.tokenizer.cut(normalize(text))}

    def words(self, text: str) -> list[str]:
        """jieba words of normalised text, without stop words or punctuation."""
        return [
            word
            for word in self.tokenizer.cut(normalize(text))
            if TOKEN_OK.search(word)
            and word not in STOPWORDS
            and (word in self.canonical or not INTERROGATIVE.match(word))
        ]

    def subwords(self, word: str) -> list[str]:
        """Dictionary words inside a longer word (all lengths, unlike jieba's search mode)."""
        found = []
        frequencies = self.tokenizer.FREQ
        # No word is longer than the dictionary's longest: a pasted run of 1,000 letters would
        # otherwise cost half a million look-ups.
        longest = getattr(frequencies, "longest", len(word))
        for size in range(min(len(word) - 1, longest), 1, -1):
            for start in range(len(word) - size + 1):
                gram = word[start : start + size]
                if frequencies.get(gram) and gram not in STOPWORDS:
                    found.append(gram)
        return found

    def terms(self, text: str) -> list[str]:
        """Canonical index terms: every word and the dictionary words inside it, folded."""
        terms = []
        for word in self.words(text):
            terms.append(self.fold_word(word))
            if len(word) > 2:
                terms.extend(self.fold_word(sub) for sub in self.subwords(word))
        terms.extend(self.fold_word(word) for word in enumeration_words(normalize(text)))
        return terms

    def fold_word(self, word: str) -> str:
        """The canonical term for a word (itself when it has no synonym group)."""
        return self.canonical.get(word, word)

    def fold(self, tokens: list[str]) -> list[str]:
        """Map tokens to canonical terms."""
        return [self.fold_word(token) for token in tokens]

    def informativeness(self, word: str) -> float:
        """How much a word says, from its frequency in general Chinese (jieba's dictionary)."""
        frequency = self.tokenizer.FREQ.get(word)
        if not frequency:
            weight = OOV_WEIGHT
        else:
            weight = min(max(self._log_total - math.log(frequency), 1.0), MAX_WEIGHT)
        # A lone character (建, 出, 交) is a morpheme of many words, weaker than its rarity says.
        return min(weight, SINGLE_CHAR_MAX_WEIGHT) if len(word) == 1 else weight

    def is_dictionary_word(self, word: str) -> bool:
        """True for a word jieba knows (so it is not a typo). Its dictionary also lists some
        40,000 strings seen twice (宇化, 数宇): not words to trust."""
        return (self.tokenizer.FREQ.get(word) or 0) >= MIN_WORD_FREQ

    def surface_forms(self, term: str) -> tuple[str, ...]:
        """Strings that may stand for `term` in a passage (the term and its synonyms)."""
        return self.surfaces.get(term, (term,))
