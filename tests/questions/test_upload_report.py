"""The report of a notice upload fits in a message (QA M7): a compilation (汇编) of 50 notices
names the first ten and says 「另有 40 篇」, with its cleaning figures whole; even with long
titles of emoji and HTML characters beside every cleaning category, it stays within
Telegram's 4,096 visible units."""

from __future__ import annotations

import re

from bot.limits import MAX_MESSAGE_UNITS, visible_length
from handlers.notice_upload import CLEANING_NAMES, REPORT_TITLES, report_text
from knowledge.models import IngestReport
from tests.questions.conftest import ADMIN, Chat, text_of

BODY = "为深入贯彻落实全国教育大会精神,进一步加强中小学幼儿园教师培训工作,提高培训质量。" * 5


def compilation(count: int) -> bytes:
    """`count` notices in one file, as a scraped 汇编 holds them."""
    notices = [
        "教育部办公厅 财政部办公厅关于做好2026年中小学幼儿园教师国家级培训计划"
        f"第{n}批项目<示范>&组织实施工作的通知\n教师厅函〔2026〕{n}号\n"
        f"各省、自治区、直辖市教育厅(教委)、财政厅(局):\n{BODY}\n一、总体要求\n{BODY}\n"
        f"二、重点任务\n{BODY}\n教育部办公厅\n2026年3月{n % 28 + 1}日\n"
        for n in range(1, count + 1)
    ]
    return "\n".join(notices).encode()


async def test_a_compilation_of_50_notices_is_reported_in_one_message(chat: Chat) -> None:
    replies = await chat.send_file(ADMIN, "国培通知汇编.txt", compilation(50))
    report = text_of(replies)
    units = visible_length(report)
    assert units <= MAX_MESSAGE_UNITS, units
    assert "✅ 已加入知识库：国培通知汇编.txt" in report
    assert re.search(r"通知 50 篇，切分为 \d+ 个条款段落：", report)
    listed = re.findall(r"^• 《.*》", report, flags=re.MULTILINE)
    titles = [line for line in listed if "批项目" in line]
    assert len(titles) == REPORT_TITLES
    assert "&lt;示范&gt;&amp;组织实施工作的通知》 教师厅函〔2026〕1号" in report
    assert "……另有 40 篇，不再逐一列出。" in report
    assert "现在就可以就这份通知提问了。" in report
    # The cleaning figures are all there, as the knowledge base counted them.
    (ingested,) = [r for r in chat.services.knowledge.reports() if r.path.endswith("汇编.txt")]
    for category, count in ingested.removed.items():
        if count:
            assert f"• {CLEANING_NAMES.get(category, category)} {count} 处" in report
    # All 50 are answerable, not only the ten named.
    answer = text_of(await chat.say(1001, "第50批项目组织实施工作的总体要求是什么"))
    assert "教师厅函〔2026〕50号" in answer or "第50批" in answer


async def test_a_few_notices_are_all_named(chat: Chat) -> None:
    report = text_of(await chat.send_file(ADMIN, "三篇.txt", compilation(3)))
    assert "通知 3 篇" in report and "另有" not in report
    assert all(f"第{n}批项目" in report for n in (1, 2, 3))


class FakeKnowledge:
    def __init__(self, documents: list[dict]) -> None:
        self._documents = documents

    def documents(self) -> list[dict]:
        return self._documents

    def deadlines(self) -> list:
        return []


def test_long_titles_beside_every_cleaning_category_still_fit() -> None:
    emoji = "😀&<b>"
    documents = [
        {
            "doc_id": f"汇编#{n}",
            "title": f"第{n}篇" + emoji * 40,
            "doc_number": emoji * 20,
            "date": emoji * 20,
        }
        for n in range(1, 201)
    ]
    report = IngestReport(
        path="汇编.txt",
        documents=[d["doc_id"] for d in documents],
        passages=1000,
        removed={category: 99 for category in CLEANING_NAMES} | {"unknown_<kind>": 3},
        samples={category: ["🌸&<i>" * 10] for category in CLEANING_NAMES},
        repaired=7,
        stored_as="汇编-2.txt",
    )
    text = report_text(FakeKnowledge(documents), "汇编" * 45 + ".txt", report)  # type: ignore[arg-type]
    units = visible_length(text)
    assert units <= MAX_MESSAGE_UNITS, units
    assert "通知 200 篇" in text and "另存为「汇编-2.txt」" in text
    named = len(re.findall(r"^• 《第\d+篇", text, flags=re.MULTILINE))
    assert named == REPORT_TITLES and f"……另有 {200 - named} 篇" in text
    for name in CLEANING_NAMES.values():
        assert f"• {name} 99 处（如「🌸&amp;&lt;i&gt;" in text
    assert "• unknown_&lt;kind&gt; 3 处" in text and "• 修复乱码 7 处" in text
