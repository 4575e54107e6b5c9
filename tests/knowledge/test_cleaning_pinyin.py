"""Pinyin glossed after characters by scraped mirrors (「中國西藏網(wǎng)」) is removed and
reported, a gloss cut off with the page (「高質(zh」) too, and real text in brackets is kept
(QA13 L8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.cleaning import clean_text
from knowledge.ingest import parse_notice_file
from knowledge.models import TRUNCATION_NOTE

# What is left of a gloss: a bracket of pinyin letters right after a character.
REMNANT = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)?")


def test_the_strong_teachers_plan_ends_without_a_cut_gloss(corpus_dir: Path) -> None:
    plan = parse_notice_file(corpus_dir / "2022-jiaoshi-6.txt")
    last = plan.passages[-1].text
    assert last.endswith(f"请认真落实。\n高质{TRUNCATION_NOTE}")
    assert "(zh" not in last
    # The 64 whole glosses and the cut one, in the file's cleaning report.
    assert plan.report.removed["pinyin_annotation"] == 65


def test_no_shipped_notice_keeps_a_gloss(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt")):
        parsed = parse_notice_file(path)
        for passage in parsed.passages:
            assert not REMNANT.search(passage.text), (path.name, passage.text)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("中國西藏網(wǎng) 報道", "中国西藏网报道"),
        ("各部門(men)的通知", "各部门的通知"),  # toneless: the character's own reading
        ("各部門(mén)的通知", "各部门的通知"),
        ("女(nǚ)教师", "女教师"),
        ("推动教育高質(zh", "推动教育高质"),  # cut off where the text ends
        ("推动教育高質(zh\n量发展", "推动教育高质\n量发展"),  # … or the line
        ("高質(zh\n[... text cut off in the stored copy ...]", f"高质{TRUNCATION_NOTE}"),
    ],
)
def test_glosses_are_removed_and_reported(raw: str, kept: str) -> None:
    result = clean_text(raw)
    assert result.text == kept
    assert result.removed["pinyin_annotation"] == 1


@pytest.mark.parametrize(
    "raw",
    [
        "开设慕课(MOOC)课程",
        "贯彻《乡村教师支持计划(2015-2020年)》",
        "见附件(a)和附件(b)",  # a, b: no reading of 件
        "请登录平台(www\n.example.org)报名",
        "课程(ke)说明",  # ke is no reading of 程
        "填写表格(docx)",
    ],
)
def test_text_in_brackets_is_kept(raw: str) -> None:
    result = clean_text(raw)
    assert "pinyin_annotation" not in result.removed
    assert re.sub(r"\s", "", result.text) == re.sub(r"\s", "", raw)
