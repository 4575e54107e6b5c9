"""Repair query words that are not in the index: pinyin input, homophone typos, near misses."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from knowledge.analyzer import FUNCTION_CHARS

CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
LATIN_RUN = re.compile(r"[a-z][a-z ]*[a-z]|[a-z]")
MAX_WINDOW = 8
MAX_SYLLABLE = 6  # zhuang, shuang: the longest toneless pinyin syllables
SKIPPED_SYLLABLE_COST = 3  # words: leaving one syllable unread is worse than two more words
CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
EVERYDAY_MIN_FREQ = 100
# Readings the character table lacks (it keeps one per character): 谁 is said shei; and
# spoken question words pinyin input would otherwise read as rarer words (you sha: 油砂).
SPOKEN_READINGS = {
    "shei": "谁",
    "sha": "啥",
    "youshayong": "有啥用",
    "zha": "咋",
    "zhaban": "咋办",
    # single characters a question turns on, which the everyday table (words of two to four
    # characters and function characters) lacks
    "ren": "人",
    "xuan": "选",
    "qian": "钱",
    "tian": "天",
    "nian": "年",
    "ci": "次",
    "ji": "几",
    "suo": "所",
    "jisuo": "几所",
    "jici": "几次",
    "jitian": "几天",
    "jinian": "几年",
}
# A window this long sounding like an indexed word may change a real word the notices lack.
LONG_WINDOW = 4
LONGEST_EVERYDAY_PINYIN = 24  # letters of four syllables: zhuangzhuangzhuangzhuang
FIRST_CJK = 0x4E00


@cache
def char_syllables() -> tuple[str, ...]:
    """Toneless pinyin of each character U+4E00..U+9FFF, from a shipped table: pypinyin
    costs ~55 MB of memory once imported, so it is needed only when an index is built."""
    table = resources.files("knowledge.data").joinpath("char_pinyin.txt").read_text("utf-8")
    return tuple(table.splitlines()[-1].split(" "))


def char_pinyin(text: str) -> list[str]:
    """One toneless syllable per character (non-CJK characters stand for themselves)."""
    syllables = char_syllables()
    return [
        syllables[ord(ch) - FIRST_CJK] if 0 <= ord(ch) - FIRST_CJK < len(syllables) else ch
        for ch in text
    ]


def pinyin_index(vocabulary: dict[str, int]) -> dict[str, str]:
    """Toneless pinyin → the most frequent word of the vocabulary that sounds so."""
    from pypinyin import lazy_pinyin

    by_pinyin: dict[str, str] = {}
    for word, frequency in vocabulary.items():
        if 2 <= len(word) <= MAX_WINDOW and all(CJK_CHAR.match(ch) for ch in word):
            # Keyed both with phrase-aware pinyin and character by character, because
            # question windows are read per character (长 in 校长 is zhang, alone chang).
            for key in {"".join(lazy_pinyin(word)), "".join(lazy_pinyin(list(word)))}:
                best = by_pinyin.get(key)
                if best is None or vocabulary.get(best, 0) < frequency:
                    by_pinyin[key] = word
    return by_pinyin


# A dictionary word jieba saw fewer times than this is suspect when a phrase of the notices
# around it, written with a character that sounds the same, says what was meant (管理办发).
SUSPECT_MIN_FREQ = 20


class QueryCorrector:
    """Maps misspelt query text onto the index vocabulary."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        by_pinyin: dict[str, str] | None = None,
        corpus_text: str = "",
        everyday_words: Mapping[str, int] | None = None,
    ):
        """`vocabulary` maps each indexed word to how many passages hold it; `by_pinyin` is
        pinyin_index(vocabulary), passed in when it was cached with the index; `corpus_text`
        is the notices' text, where a typo's neighbourhood is looked up; `everyday_words` maps
        words of the language to their frequency (jieba's dictionary), for the question words
        of pinyin input (shi shenme) that no notice's index holds."""
        self.vocabulary = vocabulary
        self.everyday_words = everyday_words or {}
        self._everyday_pinyin: dict[str, str] | None = None
        self.corpus_text = corpus_text
        self.by_pinyin = pinyin_index(vocabulary) if by_pinyin is None else by_pinyin
        self.fuzzy_choices = [word for word in vocabulary if len(word) >= 3]
        self.masked_words: dict[str, list[str]] = {}
        for word in vocabulary:
            if len(word) == 3 and all(CJK_CHAR.match(ch) for ch in word):
                for changed in range(3):
                    mask = word[:changed] + "?" + word[changed + 1 :]
                    self.masked_words.setdefault(mask, []).append(word)
        self.longest_key = max([len(key) for key in self.by_pinyin] + [LONGEST_EVERYDAY_PINYIN])

    def correct(
        self, text: str, words: list[str], is_word: Callable[[str], bool] = lambda _: False
    ) -> str:
        """Return `text` with pinyin runs and homophone typos replaced by indexed words.

        `words` is the jieba segmentation of `text`; `is_word` says whether a word is a real
        word (so it is not a typo even if the index lacks it).
        """
        text = LATIN_RUN.sub(self._pinyin_run, text)
        # A phrase of the notices is better evidence than a sound: context first, and the
        # characters it changed are not changed again.
        repaired = self._fix_in_context(text, words, is_word)
        changed = {
            i for i, (old, new) in enumerate(zip(text, repaired, strict=True)) if old != new
        }
        return self._fix_homophones(repaired, words, is_word, changed)

    def _fix_in_context(self, text: str, words: list[str], is_word: Callable[[str], bool]) -> str:
        """Change one character of a two- or three-character non-word (万案, 管埋, 全履盖) when,
        read with the two characters before or after it, it spells a phrase of the notices
        with a real word there instead (工作万案 → 工作方案, 学分管埋 → 学分管理). A lone
        character beside a two-character non-word may belong to it (数|宇化 → 数字化), and two
        lone characters may be one word (监|菅 → 监管). A three-character non-word one
        character away from exactly one word of the notices becomes it (幻儿园 → 幼儿园).
        Words with a function character (要学, 能选) are left alone: jieba glues such pairs."""
        spans = []
        position = 0
        for word in words:
            index = text.find(word, position)
            if index >= 0:
                spans.append((index, index + len(word)))
                position = index + len(word)
        for start, end in self._suspect_spans(text, spans, self._is_common_word(is_word)):
            word = text[start:end]
            # A rare real word (办发, 驾校) is changed only into one that sounds the same.
            rare_word = is_word(word)
            options = []
            if len(word) == 2:
                options = [
                    (min(start, lone_start), max(end, lone_end))
                    for lone_start, lone_end in spans
                    if lone_end - lone_start == 1
                    and (lone_end == start or lone_start == end)
                    and self._plain_character(text[lone_start])
                ]
            fixed = None
            if self.corpus_text:
                for span_start, span_end in [*options, (start, end)]:
                    changeable = range(start - span_start, end - span_start)
                    fixed = self._repair_span(text, span_start, span_end, changeable, is_word)
                    if fixed and rare_word and char_pinyin(fixed) != char_pinyin(
                        text[span_start:span_end]
                    ):
                        fixed = None
                    if fixed:
                        text = text[:span_start] + fixed + text[span_end:]
                        break
            if not fixed and len(word) == 3 and not rare_word:
                near = self._one_character_away(word)
                if near:
                    text = text[:start] + near + text[end:]
        return text

    def _is_common_word(self, is_word: Callable[[str], bool]) -> Callable[[str], bool]:
        """A real word seen often enough that a phrase of the notices around it is no evidence
        of a typo: jieba's rare abbreviations (办发 of 国办发, 6 times) are not."""
        return lambda word: is_word(word) and (
            self.everyday_words.get(word, 0) >= SUSPECT_MIN_FREQ or not self.everyday_words
        )

    @staticmethod
    def _plain_character(character: str) -> bool:
        return bool(CJK_CHAR.match(character)) and character not in FUNCTION_CHARS

    def _suspect_spans(
        self, text: str, spans: list[tuple[int, int]], is_word: Callable[[str], bool]
    ) -> list[tuple[int, int]]:
        """Two- and three-character tokens that are no word, pairs of lone characters that
        together are none, and a word the notices lack with the lone character after it (分布|骤
        of 「分布骤完成」: 分步骤) that is none (all without function characters)."""
        suspects = []
        for number, (start, end) in enumerate(spans):
            pair_end = end
            if end - start == 1 and number + 1 < len(spans):
                following_start, following_end = spans[number + 1]
                if following_start == end and following_end - following_start == 1:
                    pair_end = following_end
            if (
                end - start == 2
                and text[start:end] not in self.vocabulary
                and number + 1 < len(spans)
                and spans[number + 1] == (end, end + 1)
            ):
                pair_end = end + 1  # a word the notices lack and a lone character: 分布|骤
            for span_end in {end, pair_end}:
                candidate = text[start:span_end]
                if (
                    len(candidate) in (2, 3)
                    and all(self._plain_character(ch) for ch in candidate)
                    and candidate not in self.vocabulary
                    and not is_word(candidate)
                ):
                    suspects.append((start, span_end))
        return suspects

    def _one_character_away(self, word: str) -> str | None:
        """The only indexed word of the same length that differs from `word` in one place."""
        found = {
            candidate
            for changed in range(len(word))
            for candidate in self.masked_words.get(word[:changed] + "?" + word[changed + 1 :], ())
        }
        return found.pop() if len(found) == 1 else None

    def _repair_span(
        self,
        text: str,
        start: int,
        end: int,
        changeable: range,
        is_word: Callable[[str], bool],
    ) -> str | None:
        """The span with one of its `changeable` characters changed so that, with two
        neighbouring characters, it is a phrase of the notices; None if there is none."""
        span = text[start:end]
        for before, after in ((text[max(start - 2, 0) : start], ""), ("", text[end : end + 2])):
            if len(before + after) < 2 or not all(CJK_CHAR.match(ch) for ch in before + after):
                continue
            found: Counter[str] = Counter()
            for changed in changeable:
                left, right = before + span[:changed], span[changed + 1 :] + after
                for character in self._characters_between(left, right):
                    fixed = span[:changed] + character + span[changed + 1 :]
                    # Five matching characters are evidence enough; four need a real word
                    # (the index also holds fragments such as 制到).
                    if len(span) == 3 or is_word(fixed):
                        found[fixed] += 1
            if found:
                # Of as many readings, one sounding like what was typed (根岗: 跟岗, not 顶岗).
                sound = char_pinyin(span)
                return max(found, key=lambda fixed: (found[fixed], char_pinyin(fixed) == sound))
        return None

    def _characters_between(self, left: str, right: str) -> list[str]:
        """Each CJK character found between `left` and `right` in the notices (str.find on the
        longer side: far faster than a regular expression over megabytes)."""
        text = self.corpus_text
        anchor, anchor_is_left = (left, True) if len(left) >= len(right) else (right, False)
        found = []
        position = text.find(anchor)
        while position >= 0:
            middle = position + len(left) if anchor_is_left else position - 1
            start = middle - len(left)
            if (
                start >= 0
                and middle < len(text)
                and text.startswith(left, start)
                and text.startswith(right, middle + 1)
                and CJK_CHAR.match(text[middle])
            ):
                found.append(text[middle])
            position = text.find(anchor, position + 1)
        return found

    def _pinyin_run(self, match: re.Match) -> str:
        letters = match.group(0).replace(" ", "")
        if letters in self.vocabulary or len(letters) < 4:
            return match.group(0)
        words = self._segment_pinyin(letters, (self.by_pinyin,))
        if words:
            return "".join(words)
        chunks = match.group(0).split()
        if len(chunks) > 1 and all(len(chunk) <= MAX_SYLLABLE for chunk in chunks):
            # Typed syllable by syllable (guo pei ji hua you na xie): the words span the spaces.
            words = self._segment_syllables(chunks, (self.by_pinyin, self.everyday_pinyin()))
            if words:
                return "".join(words)
        pieces = [
            self._segment_pinyin(chunk, (self.by_pinyin,)) if len(chunk) >= 4 else None
            for chunk in chunks
        ]
        if any(pieces):  # pinyin input, so its question words are pinyin too (shi shenme)
            tables = (self.by_pinyin, self.everyday_pinyin())
            pieces = [
                piece or self._segment_pinyin(chunk, tables)
                for piece, chunk in zip(pieces, chunks, strict=True)
            ]
        return "".join(
            "".join(piece) if piece else f" {chunk} "
            for piece, chunk in zip(pieces, chunks, strict=True)
        )

    def _segment_pinyin(
        self, letters: str, tables: tuple[dict[str, str], ...]
    ) -> list[str] | None:
        """Cover a letter string with the pinyin of the tables' words, longest first (at the
        same length, the first table's word)."""
        words: list[str] = []
        position = 0
        while position < len(letters):
            for end in range(min(len(letters), position + self.longest_key), position, -1):
                key = letters[position:end]
                word = next((table[key] for table in tables if key in table), None)
                if word:
                    words.append(word)
                    position = end
                    break
            else:
                return None
        return words

    def _segment_syllables(
        self, syllables: list[str], tables: tuple[dict[str, str], ...]
    ) -> list[str] | None:
        """Cover pinyin typed syllable by syllable with the tables' words, each word a run of
        whole syllables: the fewest words, then the most common ones (shi shen me is 是什么,
        not 尸身么, which greedy longest-first would give)."""
        ends = [0]
        for syllable in syllables:
            ends.append(ends[-1] + len(syllable))
        letters = "".join(syllables)
        best: dict[int, tuple[int, float, list[str]]] = {0: (0, 0.0, [])}
        for start_at, start in enumerate(ends):
            if start not in best:
                continue
            count, rarity, words = best[start]
            for end in ends[start_at + 1 :]:
                key = letters[start:end]
                word = next((table[key] for table in tables if key in table), None)
                if not word:
                    continue
                frequency = self.everyday_words.get(word, 0) + (word in self.vocabulary)
                candidate = (count + 1, rarity - math.log(1 + frequency), [*words, word])
                if end not in best or candidate[:2] < best[end][:2]:
                    best[end] = candidate
            if start_at < len(syllables):
                # A syllable no word covers (mei in 「mei wu nian」) stays as typed, at a cost
                # above any word's, so the syllables around it are still read.
                end = ends[start_at + 1]
                kept = f" {syllables[start_at]} "
                skipped = (count + SKIPPED_SYLLABLE_COST, rarity, [*words, kept])
                if end not in best or skipped[:2] < best[end][:2]:
                    best[end] = skipped
        found = best.get(len(letters))
        if not found or all(word.startswith(" ") for word in found[2]):
            return None
        return found[2]

    def everyday_pinyin(self) -> dict[str, str]:
        """Toneless pinyin → the most frequent word that sounds so, of the everyday words of
        2–4 characters seen at least EVERYDAY_MIN_FREQ times and the single function
        characters (是, 的, 有, 吗); built on first need (0.2 s)."""
        if self._everyday_pinyin is None:
            best: dict[str, tuple[str, int]] = {}
            for word, frequency in self.everyday_words.items():
                everyday = frequency >= EVERYDAY_MIN_FREQ and 2 <= len(word) <= 4
                if not (everyday or word in FUNCTION_CHARS) or not CJK_WORD.fullmatch(word):
                    continue
                key = "".join(char_pinyin(word))
                if frequency > best.get(key, ("", 0))[1]:
                    best[key] = (word, frequency)
            self._everyday_pinyin = {key: word for key, (word, _) in best.items()}
            self._everyday_pinyin.update(SPOKEN_READINGS)
        return self._everyday_pinyin

    def _fix_homophones(
        self,
        text: str,
        known_words: list[str],
        is_word: Callable[[str], bool],
        keep: set[int] = frozenset(),
    ) -> str:
        """Swap a window of characters for an indexed word that sounds the same (never a
        function character, 是 → 师, nor a position in `keep`)."""
        protected = [i in keep or ch in FUNCTION_CHARS for i, ch in enumerate(text)]
        # Positions held only by a real word the notices never use (送交 of 「送交下乡」): a long
        # window sounding like an indexed word may still change them.
        foreign = [False] * len(text)
        single_word_spans: set[tuple[int, int]] = set()
        position = 0
        for word in known_words:
            index = text.find(word, position)
            if index < 0:
                continue
            single_word_spans.add((index, index + len(word)))
            if len(word) >= 2 and (word in self.vocabulary or is_word(word)):
                for offset in range(index, index + len(word)):
                    foreign[offset] = not protected[offset] and word not in self.vocabulary
                    protected[offset] = True
            position = index + len(word)
        if all(
            protected[i] and not foreign[i] for i, ch in enumerate(text) if CJK_CHAR.match(ch)
        ):
            return text
        result = list(text)
        syllables = char_pinyin(text)
        index = 0
        while index < len(text):
            replaced = False
            for size in range(min(MAX_WINDOW, len(text) - index), 1, -1):
                window = text[index : index + size]
                if (
                    not all(CJK_CHAR.match(ch) for ch in window)
                    or window in self.vocabulary
                    or is_word(window)
                ):
                    continue
                fixed = [
                    protected[index + i] and not (size >= LONG_WINDOW and foreign[index + i])
                    for i in range(size)
                ]
                if all(fixed):
                    continue
                # Two characters are too little evidence unless jieba kept them as one word
                # or as two lone characters, and neither is a function character (跟|刚 for
                # 跟岗; not 中要 for 重要: jieba glues such pairs).
                lone_pair = {(index, index + 1), (index + 1, index + 2)} <= single_word_spans
                if size == 2 and (
                    set(window) & FUNCTION_CHARS
                    or ((index, index + 2) not in single_word_spans and not lone_pair)
                ):
                    continue
                candidate = self.by_pinyin.get("".join(syllables[index : index + size]))
                # The index also holds jieba's fragments of the notices (制到 from 编制到…):
                # only a real word may replace what was typed.
                if not candidate or len(candidate) != size or not is_word(candidate):
                    continue
                changed = [i for i in range(size) if candidate[i] != window[i]]
                if (
                    changed
                    and all(not fixed[i] for i in changed)
                    and (len(changed) * 2 <= size)
                ):
                    result[index : index + size] = list(candidate)
                    index += size
                    replaced = True
                    break
            if not replaced:
                index += 1
        return "".join(result)

    def nearest_word(self, token: str) -> str | None:
        """The indexed word closest in spelling to an unknown token of 3+ characters."""
        if len(token) < 3 or not self.fuzzy_choices:
            return None
        found = process.extractOne(token, self.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=74)
        return found[0] if found else None
