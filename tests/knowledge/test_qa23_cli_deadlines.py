"""QA23 F15: `guopei-bot deadlines` listed the 2013–2019 deadlines among this term's, none
marked past, where the chat's /deadlines puts them behind 「查看已过期的（N）」; and it left out
whose duty an item is (「（承训机构的任务）」), in the list and in --json. Now the list has the
ones still ahead first, then 「已过期的（N 项，最近的在前）」 with each item marked 「已过期」
(handlers/deadlines.py `split_expired`, as the chat splits them), an item of a body says whose
it is, and --json adds `duty_holder` and `expired`, its other fields as they were."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

TITLE = "某省教育厅关于做好国培计划（QA23）示范性培训项目实施工作的通知"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ingest_this_terms_notice(app: typer.Typer, tmp_path: Path) -> tuple[date, date]:
    """A notice with a body's deadline and the trainees' own, both still ahead; the shipped
    notices bring the 2013–2019 ones."""
    today = date.today()
    body_day, trainee_day = today + timedelta(days=120), today + timedelta(days=60)
    notice = tmp_path / "qa23-notice.txt"
    notice.write_text(
        f"{TITLE}\n"
        f"一、请各承训机构于{cn_date(body_day)}前将培训实施方案报送项目办。\n"
        f"二、参训学员须于{cn_date(trainee_day)}前完成网络研修选课。\n",
        encoding="utf-8",
    )
    ingested = CliRunner().invoke(app, ["ingest", str(notice)])
    assert ingested.exit_code == 0, ingested.output
    return body_day, trainee_day


def test_the_list_puts_past_deadlines_under_their_heading_and_says_whose_duty(
    app: typer.Typer, tmp_path: Path
) -> None:
    body_day, trainee_day = ingest_this_terms_notice(app, tmp_path)
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["deadlines"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()

    assert lines[0] == "还没到期的（2 项，最近的在前）", lines[:3]
    # soonest first: the trainees' own (no duty label), then the training body's, labelled
    assert lines[1] == f"{trainee_day.isoformat()} {cn_date(trainee_day)}前"
    assert lines[4] == f"{body_day.isoformat()} {cn_date(body_day)}前（承训机构的任务）"
    assert "承训机构于" in lines[5]

    past_at = next(n for n, line in enumerate(lines) if line.startswith("已过期的（"))
    assert past_at > 4 and re.fullmatch(r"已过期的（\d+ 项，最近的在前）", lines[past_at])
    past_items = [line for line in lines[past_at + 1 :] if line.startswith("已过期 ")]
    assert "已过期 2019-04-12 2019年4月12日前（省级教育行政部门的任务）" in past_items
    assert any(line.startswith("已过期 2013-12-31 ") for line in past_items)
    # nothing of 2013–2019 among the upcoming ones
    assert not any(re.match(r"20(1\d|20)-", line) for line in lines[:past_at])
    # a limit without a date from a notice over a year old: past, with its notice's year
    assert any(
        line.startswith("已过期 （相对期限，2011年的通知） 培训结束后的1个月内")
        for line in past_items
    ), past_items


def test_json_adds_whose_duty_and_whether_past_and_keeps_its_fields(
    app: typer.Typer, tmp_path: Path
) -> None:
    body_day, trainee_day = ingest_this_terms_notice(app, tmp_path)
    result = CliRunner().invoke(app, ["deadlines", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    ours = {row["clause"]: row for row in rows if row["title"] == TITLE}
    assert ours["一、"] == {
        "due": body_day.isoformat(),
        "text": f"请各承训机构于{cn_date(body_day)}前将培训实施方案报送项目办。",
        "when_text": f"{cn_date(body_day)}前",
        "clause": "一、",
        "title": TITLE,
        "doc_number": "",
        "source": "qa23-notice.txt",
        "doc_id": "qa23-notice",
        "date_error": None,
        "duty_holder": "承训机构",
        "expired": False,
    }
    assert ours["二、"]["duty_holder"] is None and ours["二、"]["expired"] is False
    [issued_2019] = [row for row in rows if row["due"] == "2019-04-12"]
    assert issued_2019["expired"] is True
    assert issued_2019["duty_holder"] == "省级教育行政部门"
    assert all({"expired", "duty_holder", "date_error", "source"} <= set(row) for row in rows)
