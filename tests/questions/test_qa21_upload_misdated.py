"""An uploaded notice whose deadline names a day the calendar lacks (「2027年2月30日前」) is
added, and the admin's report says which items could not be dated, as `guopei-bot ingest`
does (QA21 F5)."""

from __future__ import annotations

from tests.questions.conftest import ADMIN, Chat, text_of

NOTICE = (
    "教育部办公厅关于做好2027年教师研修报名工作的通知\n教师厅函〔2027〕9号\n"
    "各省、自治区、直辖市教育厅(教委):\n"
    "一、报名\n参训学员须于2027年2月30日前完成报名。\n"
    "二、研修计划\n各省于2027年3月20日前将研修计划报送教育部教师工作司。\n"
    "教育部办公厅\n2027年1月5日\n"
)


async def test_the_upload_report_names_a_deadline_on_a_day_the_calendar_lacks(
    chat: Chat,
) -> None:
    report = text_of(await chat.send_file(ADMIN, "研修报名通知.txt", NOTICE.encode()))
    assert "✅ 已加入知识库：研修报名通知.txt" in report
    assert "⚠️ 1 项期限的日期有误" in report
    assert "2027年2月30日前" in report and "2027年2月只有28天" in report
    assert "2027年3月20日" not in report  # a good date is not reported
    assert report.rstrip().endswith("现在就可以就这份通知提问了。")
