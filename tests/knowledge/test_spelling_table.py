"""The shipped character → pinyin table agrees with pypinyin, so homophone repair at query time
needs no pypinyin import (it costs ~55 MB of memory)."""

from __future__ import annotations

import subprocess
import sys

from pypinyin import lazy_pinyin

from knowledge.spelling import FIRST_CJK, char_pinyin, char_syllables


def test_table_matches_pypinyin_for_every_cjk_character():
    characters = [chr(FIRST_CJK + offset) for offset in range(len(char_syllables()))]
    assert len(characters) == 0x9FFF - 0x4E00 + 1
    assert list(char_syllables()) == lazy_pinyin(characters)


def test_question_pinyin_is_one_syllable_per_character():
    assert char_pinyin("国陪计划 2.0") == ["guo", "pei", "ji", "hua", " ", "2", ".", "0"]


def test_answering_from_a_cached_index_does_not_import_pypinyin(tmp_path):
    script = (
        "import sys; from pathlib import Path; from knowledge import KnowledgeBase\n"
        f"kb = KnowledgeBase.open(cache_dir=Path({str(tmp_path)!r}))\n"
        "answer = kb.ask('国陪计划的经费怎么管理')\n"
        "print(answer.answered, 'pypinyin' in sys.modules)\n"
    )

    def run() -> list[str]:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert run() == ["True", "True"]  # building the index reads words' pinyin
    assert run() == ["True", "False"]  # from the cache: the shipped table is enough
