"""/deadlines names the clause of a deadline as the notice does: 「条款 三、(二)」, but a part
opened by 「第一,…」 reads 「第一部分」 and 「第三条」 stays 「第三条」 (not 「条款 第一、」 or
「条款 第三条」)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge.models import clause_label
from tests.questions.conftest import ADMIN, MANAGER, Chat, open_chat, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("clause", "label"),
    [
        ("第一、", "第一部分"),
        ("第二、(三)", "第二部分(三)"),
        ("第三条", "第三条"),
        ("第二章第五条", "第二章第五条"),
        ("三、(二)1.", "条款 三、(二)1."),
        ("有关要求3.", "条款 有关要求3."),
        ("", ""),
    ],
)
def test_clause_label(clause: str, label: str) -> None:
    assert clause_label(clause) == label


@pytest.fixture
def chat(tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """On SQLite only: what is checked here is wording."""
    yield from open_chat(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, index_cache)


async def test_a_part_opened_by_di_yi_is_cited_as_it_reads(chat: Chat) -> None:
    later = datetime.now(TZ).date() + timedelta(days=30)
    notice = (
        "title: 关于推进教师信息技术应用能力提升的意见\n---\n"
        "第一,完善项目的总体目标和任务\n"
        f"请各地于{cn_date(later)}前完成全体教师新一轮信息技术应用能力培训,"
        "并将培训情况报送项目办。\n"
        "第二,建立教师信息技术应用能力标准体系\n"
        "各地要结合实际制订实施方案,明确培训内容、时间安排和考核方式,确保培训取得实效。\n"
    ).encode()
    assert "已加入知识库" in text_of(await chat.send_file(ADMIN, "yijian.txt", notice))

    text = text_of(await chat.say(MANAGER, "/deadlines"))
    (item,) = [part for part in text.split("\n\n") if f"{later.month}月{later.day}日（" in part]
    assert item.endswith("—— 《关于推进教师信息技术应用能力提升的意见》 · 第一部分"), item
    assert "条款 第" not in text and "第一、" not in text
