"""A deadline on a date the calendar lacks (QA21 F5): 「学员须于2027年2月30日前完成报名」 was
ingested with ✓ and left out of /deadlines and `guopei-bot deadlines` without a word. Now it is
kept, listed with its clause and the date as written, marked 「日期有误」, with no 设为提醒;
`guopei-bot ingest` names it under the ✓ line, and `deadlines --json` says what is wrong
(`date_error`), its other fields as the contract has them."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_knowledge import register
from handlers.deadlines import deadline_item
from knowledge.deadlines import date_error, duty_holder, find_deadlines, misdated_report
from knowledge.models import Deadline, Document, Passage
from tests.e2e.test_handoff_restart import ADMIN, MANAGER, TRAINEE, Conversation
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
TITLE = "关于做好2027年国培计划实施工作的通知"
NOTICE = Document("d", TITLE, "", "", "", "通知.txt", [], "", "f")


def deadlines_of(sentence: str) -> list[Deadline]:
    """The deadlines found in one clause 二、 holding `sentence`."""
    return find_deadlines([NOTICE], [Passage("d", "二、", sentence)])


def qa21_notice(valid_day: date) -> str:
    """The tester's notice: one real date, then 2月30日 and 4月31日 of the next year."""
    year = valid_day.year + 1
    return (
        f"{TITLE}\n一、各省于{cn_date(valid_day)}前报送方案。\n"
        f"二、学员须于{year}年2月30日前完成报名。\n三、学员须于{year}年4月31日前提交研修计划。\n"
    )


@pytest.mark.parametrize(
    ("sentence", "when_text", "error"),
    [
        ("学员须于2027年2月30日前完成报名。", "2027年2月30日前（日期有误）", "2027年2月只有28天"),
        (
            "学员须于2027年4月31日前提交研修计划。",
            "2027年4月31日前（日期有误）",
            "2027年4月只有30天",
        ),
        ("请参训学员于2027年2月29日报到。", "2027年2月29日（日期有误）", "2027年2月只有28天"),
        ("请于2027年13月底前报送总结。", "2027年13月底前（日期有误）", "一年没有13月"),
        ("请于0000年底前报送总结。", "0000年底前（日期有误）", "没有0年"),
    ],
)
def test_an_impossible_date_is_kept_undated_and_marked(
    sentence: str, when_text: str, error: str
) -> None:
    [found] = deadlines_of(sentence)
    assert (found.due, found.when_text, found.text, found.clause) == (
        None, when_text, sentence, "二、"
    )  # fmt: skip
    assert date_error(found) == error


def test_real_dates_and_other_limits_are_as_before() -> None:
    [leap] = deadlines_of("学员须于2028年2月29日前完成报名。")
    assert (leap.due, leap.when_text, date_error(leap)) == (
        date(2028, 2, 29), "2028年2月29日前", None
    )  # fmt: skip
    [relative] = deadlines_of("请于培训结束后的1个月内报送总结。")
    assert relative.due is None and date_error(relative) is None
    assert deadlines_of("请于2027年5月前报送。") == []  # a month, no day: no deadline, as before
    assert deadlines_of("会议于2027年2月30日召开。") == []  # no one's duty, as before


def test_the_body_whose_duty_it_is_is_still_named() -> None:
    [found] = deadlines_of("请各市教育局于2027年2月30日前将名单报送项目办。")
    assert duty_holder(found) == "教育局"


def test_the_list_item_keeps_the_date_as_written_with_its_clause() -> None:
    [found] = deadlines_of("学员须于2027年2月30日前完成报名。")
    item = deadline_item(found, date(2026, 12, 7))
    assert item == (
        "⏳ <b>2027年2月30日前（日期有误）</b>\n学员须于2027年2月30日前完成报名。\n"
        f"—— 《{TITLE}》 · 条款 二、"
    )


def test_the_report_names_each_bad_date_or_the_first_few() -> None:
    found = find_deadlines(
        [NOTICE],
        [
            Passage("d", "一、", "各省于2027年3月1日前报送方案。"),
            Passage("d", "二、", "学员须于2027年2月30日前完成报名。"),
            Passage("d", "三、", "学员须于2027年4月31日前提交研修计划。"),
        ],
    )
    head, *items = misdated_report(found, {"d"})
    assert head.startswith(
        "⚠️ 2 项期限的日期有误：已按原文列入期限，标「日期有误」，不能据此设提醒。"
    )
    assert items == [
        "· 条款 二、 2027年2月30日前：学员须于2027年2月30日前完成报名。（2027年2月只有28天）",
        "· 条款 三、 2027年4月31日前：学员须于2027年4月31日前提交研修计划。（2027年4月只有30天）",
    ]
    assert misdated_report(found, {"d"}, limit=1)[2:] == ["……另有 1 项"]
    assert misdated_report(found, {"another notice"}) == []


@pytest.fixture
def app(tmp_path: Path) -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test app."""

    register(application, lambda: (tmp_path / "index", tmp_path / "notices"))
    return application


def test_ingest_names_the_bad_dates_and_deadlines_lists_them(
    app: typer.Typer, tmp_path: Path
) -> None:
    valid = date(2027, 3, 1)
    notice = tmp_path / "notice-bad-date.txt"
    notice.write_text(qa21_notice(valid), encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "400"})

    ingested = runner.invoke(app, ["ingest", str(notice)])
    assert ingested.exit_code == 0, ingested.output  # the notice is added all the same
    lines = ingested.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("✓ "))
    assert "2 项期限的日期有误" in lines[at + 1] and "不能据此设提醒" in lines[at + 1]
    assert lines[at + 2].strip() == (
        "· 条款 二、 2028年2月30日前：学员须于2028年2月30日前完成报名。（2028年2月只有29天）"
    )
    assert lines[at + 3].strip().startswith("· 条款 三、 2028年4月31日前：学员须于")

    listed = runner.invoke(app, ["deadlines"])
    assert listed.exit_code == 0
    assert "日期有误 2028年2月30日前（2028年2月只有29天，不能据此设提醒）" in listed.stdout
    assert "日期有误 2028年4月31日前（2028年4月只有30天，不能据此设提醒）" in listed.stdout
    assert f"{TITLE}  条款 三、" in listed.stdout  # labelled as the chat labels it (QA22 F9)

    rows = [
        json.loads(line)
        for line in runner.invoke(app, ["deadlines", "--json"]).stdout.split("\n")
        if line
    ]
    ours = {row["clause"]: row for row in rows if row["title"] == TITLE}
    assert ours["一、"]["due"] == "2027-03-01" and ours["一、"]["date_error"] is None
    assert ours["二、"] == {
        "due": None,
        "text": "学员须于2028年2月30日前完成报名。",
        "when_text": "2028年2月30日前",
        "clause": "二、",
        "title": TITLE,
        "doc_number": "",
        "source": "notice-bad-date.txt",
        "doc_id": "notice-bad-date",
        "date_error": "2028年2月只有29天",
        "duty_holder": None,  # the trainees' own (QA23 F15)
        "expired": False,  # undated, from a notice of no known date (QA23 F15)
    }
    assert all("date_error" in row for row in rows)


def test_deadlines_lists_them_marked_and_offers_no_reminder_for_them(start_bot, fake_telegram):
    """The tester's notice uploaded to the real bot: its three items listed (the real date
    first), the two bad ones 「日期有误」 with their clause, a 设为提醒 only for the real one."""
    tg = fake_telegram
    today = datetime.now(TZ).date()
    valid = today + timedelta(days=10)
    bad_year = valid.year + 1
    start_bot(admin_ids=str(ADMIN))
    talk = Conversation(tg)
    talk.set_up_class()
    tg.send_document(
        user_id=ADMIN, filename="notice-bad-date.txt", content=qa21_notice(valid).encode()
    )
    tg.wait_for(method="sendMessage", chat_id=ADMIN, text_contains="已加入知识库", timeout=30)

    listing = talk.say(MANAGER, "/deadlines", "通知里的截止时间")
    assert "（还没到期的，共 3 项）" in listing.text
    items = re.split(r"\n\n\d\. ", listing.text)
    assert items[1].startswith(f"📅 <b>{valid.month}月{valid.day}日")
    assert items[2] == (
        f"⏳ <b>{bad_year}年2月30日前（日期有误）</b>\n学员须于{bad_year}年2月30日前完成报名。\n"
        f"—— 《{TITLE}》 · 条款 二、"
    )
    assert items[3].startswith(f"⏳ <b>{bad_year}年4月31日前（日期有误）</b>\n")
    assert items[3].endswith("· 条款 三、")
    labels = [label for label, _ in listing.buttons]
    assert [label for label in labels if "设为提醒" in label] == ["⏰ 第 1 项设为提醒"], labels

    trainee = talk.say(TRAINEE, "/deadlines", "通知里的截止时间")
    assert trainee.text.count("（日期有误）") == 2


def test_a_misprinted_day_is_not_dated_by_its_notices_year() -> None:
    """「（2026年的通知）」 explains a limit counted from a training's end, not a wrong day."""
    [found] = deadlines_of("学员须于2027年2月30日前完成报名。")
    item = deadline_item(found, date(2026, 12, 7), issued=date(2026, 11, 1))
    assert item.startswith("⏳ <b>2027年2月30日前（日期有误）</b>\n")
