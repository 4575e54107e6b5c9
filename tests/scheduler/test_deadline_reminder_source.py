"""A reminder made from /deadlines cites its notice: the reminder names the notice, its 文号 and
the clause, and /reminders shows that 「依据：」 line apart from the content, shortened (the title
first) instead of cut to 「依据：…」; a reminder without a source has no such line. One stored
before the texts took full-width punctuation (「依据:」) is read the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db import reminder_crud as rcrud
from handlers.reminders import _content_and_source, _short_source
from tests.questions.conftest import ADMIN, MANAGER, Chat, button, buttons_of, text_of
from tests.scheduler.conftest import cn_date

TZ = ZoneInfo("Asia/Shanghai")
TITLE = "关于开展2026年国培计划班主任培训的通知"
LONG_TITLE = (
    "教育部办公厅 财政部办公厅关于做好2026年中小学幼儿园教师国家级培训计划组织实施工作的意见"
)


async def remind_from_deadlines(chat: Chat, item: int) -> None:
    """The manager's two taps: 「⏰ 第 N 项设为提醒」, then the class, 提前1天."""
    listing = await chat.say(MANAGER, "/deadlines")
    choices = await chat.press(MANAGER, button(listing, f"第 {item} 项设为提醒"))
    done = await chat.press(MANAGER, button(choices, "提前1天"))
    assert "已为「语文一班」设提醒" in text_of(done)


async def test_reminders_list_shows_the_source_of_a_deadline_reminder(chat: Chat) -> None:
    today = datetime.now(TZ).date()
    soon, later = today + timedelta(days=20), today + timedelta(days=40)
    notices = {
        "banzhuren.txt": (
            f"title: {TITLE}\ndoc_number: 教厅〔2026〕33号\n---\n"
            "一、培训对象\n各地中小学班主任,每校推荐一名,具有三年以上班主任工作经历。\n"
            "三、报名方式\n"
            f"请于{cn_date(soon)}前登录国培平台完成报名,逾期系统关闭。\n"
        ),
        "yijian.txt": (
            f"title: {LONG_TITLE}\n---\n"
            "第一,完善项目的总体目标和任务\n"
            f"请各地于{cn_date(later)}前完成全体教师新一轮信息技术应用能力培训,"
            "并将培训情况报送项目办。\n"
        ),
    }
    for name, notice in notices.items():
        assert "已加入知识库" in text_of(await chat.send_file(ADMIN, name, notice.encode()))
    await remind_from_deadlines(chat, 1)
    await remind_from_deadlines(chat, 2)
    draft = await chat.say(MANAGER, "/remind 3天后 交研修日志")
    assert "提醒已设置" in text_of(await chat.press(MANAGER, button(draft, "确认")))

    listing = await chat.say(MANAGER, "/reminders")
    text = text_of(listing)
    entries = text.split("\n\n")[1:]
    assert len(entries) == 3, text
    near = next(entry for entry in entries if cn_date(soon) in entry)
    assert near.endswith(
        f" 09:00 · 距截止日 {cn_date(soon)} 还有 1 天："
        f"请于{cn_date(soon)}前登录国培平台完成报名,逾期系统关闭。\n"
        f"   依据：《{TITLE}》（教厅〔2026〕33号 · 条款 三、）"
    ), near
    far = next(entry for entry in entries if cn_date(later) in entry)
    source = far.rsplit("\n", 1)[1]
    assert source == f"   依据：《{LONG_TITLE[:41]}…》（第一部分）", source
    own = next(entry for entry in entries if "交研修日志" in entry)
    assert "依据" not in own
    assert "依据：…" not in text
    assert len(buttons_of(listing)) == 3

    # What the trainees get cites the clause too.
    with chat.services.session() as session:
        texts = [r.text for r, _ in rcrud.reminders_of_manager(session, manager_id=MANAGER)]
    assert any(t.endswith(f"依据：《{TITLE}》（教厅〔2026〕33号 · 条款 三、）") for t in texts)


def test_short_source_keeps_the_doc_number_and_clause_whole() -> None:
    cited = "（教师厅〔2019〕2号 · 条款 七、）"
    short = _short_source(f"《{LONG_TITLE}》{cited}")
    assert short.startswith(f"《{LONG_TITLE[:20]}") and short.endswith(f"…》{cited}")
    assert len(short) == 50
    assert _short_source("《短标题》（文〔1〕号）") == "《短标题》（文〔1〕号）"
    cut = _short_source("《" + "长" * 80)  # a 依据 line cut off by the text limit
    assert cut == "《" + "长" * 48 + "…"


def test_a_source_line_stored_with_ascii_punctuation_is_still_read() -> None:
    """Reminders stored before the texts took full-width punctuation end with 「依据:」."""
    old = "距截止日 2026年12月01日 还有 1 天:交材料\n依据:《短标题》(文〔1〕号)"
    assert _content_and_source(old) == (
        "距截止日 2026年12月01日 还有 1 天:交材料",
        "《短标题》(文〔1〕号)",
    )
    new = "距截止日 2026年12月1日 还有 1 天：交材料\n依据：《短标题》（文〔1〕号）"
    assert _content_and_source(new) == (
        "距截止日 2026年12月1日 还有 1 天：交材料",
        "《短标题》（文〔1〕号）",
    )
    assert _content_and_source("交研修日志") == ("交研修日志", "")
