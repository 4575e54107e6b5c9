"""What the manager and the trainees read around a broadcast (QA 6b L3, L6), on SQLite and
PostgreSQL: 「📤 正在向「班」群发」 and 「✅ 已发给「班」」, the counts named the same way in the
progress message and the report, zero counts left out, an excerpt that never cuts a link, the
trainees' 「📢 班级通知 · 班 · 班主任 …」; a broadcast to an empty class offers another class;
a private-only command in a group opens the private chat with a button."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.chat import Edit, Send, Unreachable
from bot.conversation import Conversation
from bot.db import crud
from bot.db.models import Role
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table
from scheduler.broadcaster import broadcast
from tests.events import command, press
from tests.inprocess import buttons_of, text_of
from tests.scheduler.test_broadcaster import MANAGER, FakeMessenger, drain, make_class, sender

GROUP = -100777


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Services:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", bot_token=None)
    services = Services.create(settings)
    services.messenger = FakeMessenger()
    return services


async def send_and_report(services: Services, text: str, members: int = 2) -> tuple[str, str]:
    """Broadcast `text` to a new class of `members`; (the progress message, the report)."""
    class_id = make_class(services, members)
    await broadcast(
        services, class_id=class_id, text=text, created_by=MANAGER, report_chat_id=MANAGER
    )
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    messenger.edits.clear()
    await drain(sender(services), services)
    (progress,) = [t for chat, t, _ in messenger.sent if chat == MANAGER]
    return progress, messenger.edits[-1][2]


async def test_progress_and_report_say_who_it_went_to(services: Services) -> None:
    progress, report = await send_and_report(
        services, "各位老师好!明天上午8:30在报告厅举行开班仪式"
    )
    assert progress == (
        "📤 正在向「语文一班」群发：各位老师好!明天上午8:30在报告厅举行开班仪式\n进度 0/2：送达 0"
    )
    # everyone reached: no 「屏蔽了机器人 0 · 失败 0」
    assert (
        report
        == "✅ 已发给「语文一班」：各位老师好!明天上午8:30在报告厅举行开班仪式\n共 2 人：送达 2"
    )


async def test_counts_are_named_alike_in_progress_and_report(services: Services) -> None:
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    messenger.failures = {1002: [Unreachable("Forbidden: bot was blocked by the user")]}
    class_id = make_class(services, 3)
    await broadcast(
        services, class_id=class_id, text="周五交作业", created_by=MANAGER, report_chat_id=MANAGER
    )
    bc = sender(services)
    # the progress message after the first two members: the blocked one is counted as such
    await bc.run_once()
    progress = [t for _, _, t in messenger.edits if "正在向" in t]
    assert progress and "屏蔽了机器人 1" in progress[-1] and "屏蔽 1" not in progress[-1]
    assert "失败" not in progress[-1]  # no failure yet: not listed
    await drain(bc, services)
    report = messenger.edits[-1][2]
    assert report.startswith(
        "✅ 已发给「语文一班」：周五交作业\n共 3 人：送达 2 · 屏蔽了机器人 1\n"
    )


async def test_the_excerpt_never_cuts_a_link(services: Services) -> None:
    # QA's: 「…链接 https:/…」; the link is left out of the excerpt, cut before it
    text = "请大家今晚8点前完成第三模块的研修日志,链接 https://example.org/log 👍"
    progress, report = await send_and_report(services, text)
    assert progress.startswith(
        "📤 正在向「语文一班」群发：请大家今晚8点前完成第三模块的研修日志,链接…\n"
    )
    assert report.startswith(
        "✅ 已发给「语文一班」：请大家今晚8点前完成第三模块的研修日志,链接…\n"
    )


async def test_a_leading_link_is_kept_whole(services: Services) -> None:
    link = "https://example.org/forms/2026/guopei-signup?class=1"
    _, report = await send_and_report(services, f"{link} 请在周五前填写报名表,逾期不再受理")
    assert report.startswith(f"✅ 已发给「语文一班」：{link}…\n")


# ---------------------------------------------------------------- through the conversation


def edit_of(replies: list) -> Edit:
    """The edit a button press answers with (the conversation adds an empty notice)."""
    (edit,) = [r for r in replies if isinstance(r, Edit)]
    return edit


@pytest.fixture
def conversation(services: Services) -> Conversation:
    with services.session() as session:
        crud.set_role(session, user_id=MANAGER, role=Role.manager)
    return Conversation(services, routing_table())


async def test_the_trainees_header_names_the_class_after_班级通知(
    services: Services, conversation: Conversation
) -> None:
    make_class(services, 1)
    with services.session() as session:
        crud.upsert_user(session, user_id=MANAGER, first_name="王芳")
    draft = await conversation.handle(command(MANAGER, "/broadcast 明天上午8:30开班"))
    await conversation.handle(press(MANAGER, buttons_of(draft)["✅ 确认发送"]))
    await drain(sender(services), services)
    messenger: FakeMessenger = services.messenger  # type: ignore[assignment]
    (to_trainee,) = [t for chat, t, _ in messenger.sent if chat == 1001]
    assert to_trainee == "📢 <b>班级通知</b> · 语文一班 · 班主任 王芳\n明天上午8:30开班"


async def test_an_empty_class_offers_another(
    services: Services, conversation: Conversation
) -> None:
    make_class(services, 1)
    with services.session() as session:
        empty = crud.create_class(session, name="空的二班", manager_id=MANAGER).id
    draft = await conversation.handle(command(MANAGER, "/broadcast 周五交作业"))
    assert "请选择要发给哪个培训班" in text_of(draft)
    pick = next(data for label, data in buttons_of(draft).items() if label.startswith("空的二班"))
    refusal = edit_of(await conversation.handle(press(MANAGER, pick)))
    assert refusal.text.startswith("📢 <b>无法群发</b>")
    assert "也可以换一个培训班群发。" in refusal.text
    assert list(buttons_of([refusal])) == ["◀ 换一个培训班", "✖ 取消"]
    picker = edit_of(
        await conversation.handle(press(MANAGER, buttons_of([refusal])["◀ 换一个培训班"]))
    )
    assert "请选择要发给哪个培训班" in picker.text
    other = next(data for label, data in buttons_of([picker]).items() if "语文一班" in label)
    confirm = await conversation.handle(press(MANAGER, other))
    assert "确认群发" in text_of(confirm) and "语文一班（1 人）" in text_of(confirm)
    assert f":{empty}" not in buttons_of(confirm)["✅ 确认发送"]


async def test_one_empty_class_offers_only_cancel(
    services: Services, conversation: Conversation
) -> None:
    """With no other class to pick, 「换一个培训班」 would lead nowhere."""
    make_class(services, 0)
    (refusal,) = await conversation.handle(command(MANAGER, "/broadcast 周五交作业"))
    assert "无法群发" in refusal.text and "换一个培训班" not in refusal.text
    assert list(buttons_of([refusal])) == ["✖ 取消"]


@pytest.mark.parametrize("name", ["myclass", "reminders", "broadcast 明天集合", "unanswered"])
async def test_a_private_only_command_in_a_group_opens_the_private_chat(
    services: Services, conversation: Conversation, name: str
) -> None:
    event = replace(command(MANAGER, f"/{name}"), chat_id=GROUP, chat_type="supergroup")
    (reply,) = await conversation.handle(event)
    assert isinstance(reply, Send)
    word = name.split()[0]
    assert reply.text == (
        f"这个操作请在与我的私聊中进行。请点下面的按钮打开私聊，再发送一次 /{word}。"
    )
    ((button,),) = reply.buttons
    assert button.text == "👉 私聊" and button.url == f"https://t.me/{services.bot_username}"
    # a trainee who may not use the command at all is told that, not sent to the private chat
    trainee = replace(command(1001, f"/{name}"), chat_id=GROUP, chat_type="supergroup")
    (refusal,) = await conversation.handle(trainee)
    if word == "myclass":  # anybody's command
        assert refusal.buttons
    else:
        assert "只有班主任" in refusal.text and not refusal.buttons
