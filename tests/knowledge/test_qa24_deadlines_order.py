"""QA24 F7: `guopei-bot deadlines --json` printed its lines oldest first (2013…, all
`"expired": true`, then this term's, then the undated one) while the list shows 「还没到期的」
first. Now the JSON lines come in the list's order: still ahead (soonest first, then those
without a date), then the past ones (latest first), with their fields as they were.

`clause` stays the notice's clause path (「一、」「第一、」), as `ask --json` gives it; the list
writes it for people (「条款 一、」「第一部分」)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

TITLE = "某省教育厅关于做好国培计划（QA24）示范性培训项目实施工作的通知"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_json_lines_come_in_the_lists_order(app: typer.Typer, tmp_path: Path) -> None:
    today = date.today()
    later, sooner = today + timedelta(days=90), today + timedelta(days=30)
    notice = tmp_path / "qa24-notice.txt"
    notice.write_text(
        f"{TITLE}\n{cn_date(today)}\n"
        f"一、参训学员须于{cn_date(later)}前提交研修总结。\n"
        f"二、参训学员须于{cn_date(sooner)}前完成网络研修选课。\n"
        "三、参训学员须在培训结束后的1个月内提交返岗实践报告。\n",
        encoding="utf-8",
    )
    ingested = CliRunner().invoke(app, ["ingest", str(notice)])
    assert ingested.exit_code == 0, ingested.output

    result = CliRunner().invoke(app, ["deadlines", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    expired = [row["expired"] for row in rows]
    assert expired == sorted(expired), expired  # every one still ahead before the past ones
    ahead = [row for row in rows if not row["expired"]]
    past = [row for row in rows if row["expired"]]
    assert past, "the shipped notices bring 2013–2019 deadlines"

    # ahead: soonest first, then those without a date
    ours = [(row["due"], row["clause"]) for row in ahead if row["title"] == TITLE]
    assert ours == [(sooner.isoformat(), "二、"), (later.isoformat(), "一、"), (None, "三、")]
    dues = [row["due"] for row in ahead]
    dated = [due for due in dues if due is not None]
    assert dated == sorted(dated) and dues == [*dated, *[None] * (len(dues) - len(dated))]
    # past: latest first (a limit without a date counts from its notice's day, as in the list)
    past_dues = [row["due"] for row in past if row["due"] is not None]
    assert past_dues == sorted(past_dues, reverse=True), past_dues
    assert past_dues[0] > "2013-12-31" and past_dues[-1] <= "2013-12-31"

    # the same order as the list: its dated lines, in turn
    listed = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["deadlines"]).stdout.splitlines()
    listed_dues = [
        line.removeprefix("已过期 ").split()[0]
        for line in listed
        if line.removeprefix("已过期 ")[:2] == "20" and line.removeprefix("已过期 ")[4] == "-"
    ]
    assert listed_dues == [row["due"] for row in rows if row["due"] is not None]
