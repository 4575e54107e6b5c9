"""/notices in-process on SQLite and PostgreSQL: an admin who removed a notice brings it back
in the chat. 「已删除的通知（N）」 lists the removed uploads and the hidden shipped notices;
「恢复」 (or the undo button under 「已删除」) answers its clauses and deadlines again at once,
says which notice came back and shows the list again. Pressing it twice, after someone else
restored it or after the same name was removed again, forged data and non-admins are refused
with a clear message and change nothing; a name a newer upload took is restored under a free
name, and said so. A removed notice a live file has the content of gets no 「恢复」; one a live
file has the 文号 or title of is asked about naming that file, never called 「已被…替换」 (the
bot cannot know which is current), and notices that read alike show where their texts differ."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import knowledge.ingest
import knowledge.kb
from bot.chat import Edit, Notice, Reply
from knowledge import KnowledgeBase
from knowledge.kb import REMOVED_DIR
from scheduler.timeparse import format_when
from tests.knowledge.samples import MUSIC, online_study_notice
from tests.questions.conftest import (
    ADMIN,
    MANAGER,
    TRAINEE,
    Chat,
    button,
    buttons_of,
    open_chat,
    text_of,
)

QUESTION = "网络研修日志每月要写几篇"
AGE = "参训教师年龄有什么要求"
DOC_NUMBER = "某教〔2031〕3号"
TITLE = "某省教育厅关于做好2031年乡村教师网络研修管理的通知"


@pytest.fixture
def chat(database_url: str, tmp_path: Path, index_cache: Path) -> Iterator[Chat]:
    """The questions conftest's chat (admin 900, manager 501 with trainee 1001), on each
    database."""
    yield from open_chat(database_url, tmp_path, index_cache)


@pytest.fixture
def server_clock_utc_minus_5() -> Iterator[None]:
    """The server's clock set to UTC−5 (TZ), neither UTC nor the bot's zone (Asia/Shanghai,
    the default BOT_TIMEZONE), for as long as the test runs."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT+5"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def kb_of(chat: Chat) -> KnowledgeBase:
    kb = chat.services.knowledge
    assert kb is not None
    return kb


def names(chat: Chat) -> list[str]:
    return [entry["name"] for entry in kb_of(chat).notice_files()]


def edit_of(replies: list[Reply]) -> Edit:
    (edit,) = [reply for reply in replies if isinstance(reply, Edit)]
    return edit


def alert_of(replies: list[Reply]) -> str:
    (notice,) = replies
    assert isinstance(notice, Notice) and notice.alert, replies
    return notice.text


async def upload(chat: Chat, content: str, name: str = "研修通知.txt") -> list[Reply]:
    return await chat.send_file(ADMIN, name, content.encode())


async def answer(chat: Chat, question: str = QUESTION) -> str:
    return text_of(await chat.say(TRAINEE, question))


async def deadlines(chat: Chat) -> str:
    return text_of(await chat.say(TRAINEE, "/deadlines"))


async def remove_first(chat: Chat) -> list[Reply]:
    """/notices → 删除第 1 条 → 确认删除, as the admin taps it."""
    listing = await chat.say(ADMIN, "/notices")
    confirm = await chat.press(ADMIN, button(listing, "删除第 1 条"))
    done = await chat.press(ADMIN, button(confirm, "确认删除"))
    assert "已删除" in text_of(done)
    return done


async def removed_list(chat: Chat) -> list[Reply]:
    """/notices → 已删除的通知（N）."""
    listing = await chat.say(ADMIN, "/notices")
    return await chat.press(ADMIN, button(listing, "已删除的通知"))


async def test_a_removed_upload_is_listed_and_restored_at_once(chat: Chat) -> None:
    assert "已加入知识库" in text_of(await upload(chat, online_study_notice("三", "6月30日")))
    assert "不少于三篇" in await answer(chat)
    listing = await chat.say(ADMIN, "/notices")
    assert "已删除的通知" not in str(buttons_of(listing))  # nothing removed yet

    confirm = await chat.press(ADMIN, button(listing, "删除第 1 条"))
    asked = text_of(confirm)
    # QA9 L6 (d): what the admin can do, not where the server keeps the file.
    assert "文件会保留，随时可以在 /notices 的「已删除的通知」里恢复。" in asked
    assert "guopei-bot" not in asked and "服务器" not in asked
    assert "DATA_DIR" not in asked and ".removed" not in asked
    await chat.press(ADMIN, button(confirm, "确认删除"))
    assert "不少于三篇" not in await answer(chat)
    assert DOC_NUMBER not in await deadlines(chat)

    listing = await chat.say(ADMIN, "/notices")
    assert [b.text for b in buttons_of(listing)][-1] == "🗂 已删除的通知（1）"
    shown = edit_of(await chat.press(ADMIN, button(listing, "已删除的通知（1）")))
    assert "🗂 <b>已删除的通知</b>（共 1 份，最近删除的在前）" in shown.text
    assert f"1. 《{TITLE}》 {DOC_NUMBER} · 2031-03-01" in shown.text
    assert "上传 · 研修通知.txt · 删除于 " in shown.text and "同名" not in shown.text
    assert [b.text for row in shown.buttons for b in row] == ["♻️ 恢复第 1 条", "◀ 返回列表"]

    restore = button([shown], "恢复第 1 条")
    replies = await chat.press(ADMIN, restore)
    done = edit_of(replies)
    assert any(isinstance(r, Notice) and r.text == "已恢复" for r in replies)
    head, _, rest = done.text.partition("\n\n")
    assert head == "♻️ 已恢复，学员从现在起又能看到它的条款和期限。"
    assert f"《{TITLE}》 {DOC_NUMBER} · 2031-03-01\n<i>上传 · 研修通知.txt</i>" in rest
    # The list again, the restored notice first (uploaded first), nothing left to restore.
    assert "📚 <b>知识库里的通知</b>" in rest and f"1. 《{TITLE}》" in rest
    assert "删除第 1 条" in str(done.buttons) and "已删除的通知" not in str(done.buttons)
    assert "不少于三篇" in await answer(chat)
    assert DOC_NUMBER in await deadlines(chat)
    assert names(chat)[0] == "研修通知.txt" and kb_of(chat).removed_files() == []

    # Pressed again (a double tap, or a stale message): said so, nothing changes.
    again = alert_of(await chat.press(ADMIN, restore))
    assert again == (
        "这个「恢复」按钮来自较早的列表，它那一份已经恢复过了（可能刚刚恢复，或被其他管理员恢复），"
        "知识库没有改动。请重新发送 /notices，打开「已删除的通知」查看现在的列表。"
    )
    assert names(chat).count("研修通知.txt") == 1 and len(names(chat)) == 12


async def test_a_shipped_notice_is_undone_from_the_removal_message(chat: Chat) -> None:
    age = kb_of(chat).ask(AGE).hits[0]
    assert "45周岁" in age.text and "原则上不超过45" in await answer(chat, AGE)
    shipped = next(
        entry
        for entry in kb_of(chat).notice_files()
        if any(notice["title"] == age.title for notice in entry["notices"])
    )
    # Page through /notices to the shipped notice, as the admin would.
    page = await chat.say(ADMIN, "/notices")
    while shipped["name"] not in text_of(page):
        page = [edit_of(await chat.press(ADMIN, button(page, "下一页")))]
    text = text_of(page)
    number = text[: text.index(shipped["name"])].rsplit("\n\n", 1)[-1].split(".")[0]
    confirm = await chat.press(ADMIN, button(page, f"删除第 {number} 条"))
    assert "内置通知只是隐藏，随时可以在 /notices 的「已删除的通知」里恢复。" in text_of(confirm)
    done = edit_of(await chat.press(ADMIN, button(confirm, "确认删除")))
    assert "✅ 已删除，学员从现在起不会再看到它的条款和期限。按「恢复」可以撤销。" in done.text
    assert [b.text for row in done.buttons for b in row] == ["♻️ 恢复", "◀ 返回列表"]
    assert "原则上不超过45" not in await answer(chat, AGE)
    assert kb_of(chat).hidden_files() == {shipped["name"]}

    # The file holds three notices: the first one's title names it, as in the list.
    first = shipped["notices"][0]
    named = f"《{first['title']}》 {first['doc_number']} 等 {len(shipped['notices'])} 篇"
    shown = edit_of(await removed_list(chat))
    assert f"1. {named}\n<i>内置 · {shipped['name']} · 已隐藏</i>" in shown.text

    restored = edit_of(await chat.press(ADMIN, button([done], "恢复")))
    assert restored.text.startswith("♻️ 已恢复，学员从现在起又能看到它的条款和期限。")
    assert f"\n\n{named}\n<i>内置 · {shipped['name']}</i>" in restored.text
    assert kb_of(chat).hidden_files() == set()
    assert "原则上不超过45" in await answer(chat, AGE)
    # The list is shown at the page holding it.
    assert shipped["name"] in restored.text.partition("📚")[2]


async def test_a_name_a_newer_upload_took_is_restored_under_a_free_name(chat: Chat) -> None:
    await upload(chat, online_study_notice("三", "6月30日"))
    asked = await upload(chat, online_study_notice("五", "7月15日"))
    replaced = await chat.press(ADMIN, button(asked, "替换旧版本"))
    assert "已替换旧版本" in text_of(replaced)
    assert "不少于五篇" in await answer(chat)

    shown = edit_of(await removed_list(chat))
    assert "上传 · 研修通知.txt · 删除于" in shown.text
    assert (
        "⚠️ 知识库里现在有同名文件「研修通知.txt」，恢复的这份会另取文件名，两份都会被引用。"
        in shown.text
    )
    assert (
        "🔎 不同之处：「参训教师每月须完成不少于三篇网络研修日志」\n"
        "⚠️ 知识库里现在有同名文件「研修通知.txt」，恢复的这份会另取文件名，两份都会被引用。\n"
        "⚠️ 与知识库里的「研修通知.txt」文号或标题相同，恢复前会先问您。" in shown.text
    )
    assert "替换" not in shown.text  # which of the two is current, the bot cannot know
    # The same 文号: asked first, nothing changes until 「仍要恢复」.
    asked = edit_of(await chat.press(ADMIN, button([shown], "恢复第 1 条")))
    assert asked.text.startswith(
        "♻️ <b>恢复这份通知？</b>\n"
        "知识库里有文号或标题与它相同的通知（可能是同一份通知的另一个版本）："
    )
    assert "替换" not in asked.text and "新版本" not in asked.text
    assert [b.text for row in asked.buttons for b in row] == ["♻️ 仍要恢复", "↩️ 取消"]
    assert "研修通知-2.txt" not in names(chat) and len(kb_of(chat).removed_files()) == 1
    done = edit_of(await chat.press(ADMIN, button([asked], "仍要恢复")))
    assert (
        "⚠️ 知识库里已有同名文件「研修通知.txt」（后来上传的，仍然保留），"
        "恢复的这份另存为「研修通知-2.txt」。两份的文号或标题相同，可能是新旧两个版本。"
        "现在两份都会被引用；只要其中一份的话，请在下面的列表里删除另一份。" in done.text
    )
    assert "<i>上传 · 研修通知-2.txt</i>" in done.text and DOC_NUMBER in done.text
    assert {"研修通知.txt", "研修通知-2.txt"} <= set(names(chat))
    assert "研修通知-2.txt" in done.text.partition("📚")[2]  # in the list shown again
    hits = " ".join(hit.text for hit in kb_of(chat).ask(QUESTION, k=5).hits)
    assert "不少于三篇" in hits and "不少于五篇" in hits


async def test_a_name_removed_again_offers_its_latest_copy_first(chat: Chat) -> None:
    await upload(chat, online_study_notice("三", "6月30日"))
    first_undo = button(await remove_first(chat), "恢复")
    await upload(chat, MUSIC)  # the same file name, another notice
    await remove_first(chat)

    shown = edit_of(await removed_list(chat))
    assert "共 1 份" in shown.text and "器乐教学专项培训" in shown.text
    assert "（更早还删除过 1 份同名文件，恢复这份后会列出。）" in shown.text
    # The first removal's undo button is stale now: restore() would take the latest copy.
    stale = alert_of(await chat.press(ADMIN, first_undo))
    assert "同名的通知后来又删除了一份" in stale and "知识库没有改动" in stale
    assert "研修通知.txt" not in names(chat) and len(kb_of(chat).removed_files()) == 2

    done = edit_of(await chat.press(ADMIN, button([shown], "恢复第 1 条")))
    assert "某教〔2031〕44号" in done.text.partition("\n\n")[2].partition("\n\n")[0]
    assert "竖笛识谱" in await answer(chat, "器乐教学专项培训有哪些模块")
    assert "已删除的通知（1）" in str(done.buttons)  # the older copy is offered now
    older = edit_of(await chat.press(ADMIN, button([done], "已删除的通知")))
    assert DOC_NUMBER in older.text and "更早" not in older.text
    assert "同名文件「研修通知.txt」" in older.text
    # Now the first undo button is that copy's: it works, under a free name.
    done = edit_of(await chat.press(ADMIN, first_undo))
    assert "另存为「研修通知-2.txt」" in done.text and DOC_NUMBER in done.text
    assert "不少于三篇" in await answer(chat)


async def test_restored_meanwhile_elsewhere_is_said_and_changes_nothing(chat: Chat) -> None:
    await upload(chat, online_study_notice("三", "6月30日"))
    await remove_first(chat)
    shown = await removed_list(chat)
    assert kb_of(chat).restore("研修通知.txt") == "研修通知.txt"  # `guopei-bot restore`
    before = names(chat)
    refused = alert_of(await chat.press(ADMIN, button(shown, "恢复第 1 条")))
    assert "可能刚刚恢复，或被其他管理员恢复" in refused
    assert names(chat) == before and "不少于三篇" in await answer(chat)
    # The removed list itself, pressed again, says nothing is left.
    empty = edit_of(await chat.press(ADMIN, "kbn:1:rl:0"))
    assert empty.text == "🗂 没有已删除的通知。" and "返回列表" in str(empty.buttons)


async def test_all_removed_still_offers_them_page_by_page(chat: Chat) -> None:
    kb = kb_of(chat)
    kb.remove(names(chat))  # every shipped notice hidden (as `guopei-bot remove` would)
    listing = await chat.say(ADMIN, "/notices")
    assert text_of(listing) == "知识库里没有通知。直接发送通知文件即可加入。"
    first = edit_of(await chat.press(ADMIN, button(listing, "已删除的通知（11）")))
    assert "共 11 份" in first.text and "第 1/3 页" in first.text
    assert "♻️ 恢复第 5 条" in str(first.buttons) and "恢复第 6 条" not in str(first.buttons)
    last = edit_of(await chat.press(ADMIN, button([first], "下一页")))
    last = edit_of(await chat.press(ADMIN, button([last], "下一页")))
    assert "第 3/3 页" in last.text and "♻️ 恢复第 11 条" in str(last.buttons)
    done = edit_of(await chat.press(ADMIN, button([last], "恢复第 11 条")))
    assert "已恢复" in done.text and "共 1 个文件" in done.text
    assert "已删除的通知（10）" in str(done.buttons) and len(kb.hidden_files()) == 10


async def test_forged_buttons_and_other_roles_change_nothing(chat: Chat) -> None:
    await upload(chat, online_study_notice("三", "6月30日"))
    undo = button(await remove_first(chat), "恢复")
    key = undo.split(":")[3]
    for data in (
        "kbn:1:rs",
        "kbn:1:rs:",
        f"kbn:1:rs:{key}:0",
        f"kbn:1:rs:{key.upper()}",
        f"kbn:1:rs:{key}x",
        "kbn:1:rs:../../etc",
        f"kbn:2:rs:{key}",
        "kbn:1:rl:-1",
        "kbn:1:rl:x",
        "kbn:1:rl:1234567890123",
        "kbn:1:rl:0:0",
    ):
        assert "请重新发送 /notices" in alert_of(await chat.press(ADMIN, data)), data
    # A well-formed key of nothing removed: said so.
    unknown = alert_of(await chat.press(ADMIN, "kbn:1:rs:0123456789"))
    assert "知识库没有改动" in unknown and "打开「已删除的通知」" in unknown
    for user in (TRAINEE, MANAGER):
        for data in (undo, "kbn:1:rl:0"):
            assert "只有管理员可以使用" in alert_of(await chat.press(user, data)), (user, data)
    assert "只有管理员可以使用" in text_of(await chat.say(TRAINEE, "/notices"))
    assert "研修通知.txt" not in names(chat) and len(kb_of(chat).removed_files()) == 1
    assert "不少于三篇" not in await answer(chat)
    # The real button still works afterwards.
    assert "已恢复" in text_of(await chat.press(ADMIN, undo))
    assert "不少于三篇" in await answer(chat)


@pytest.mark.usefixtures("server_clock_utc_minus_5")
async def test_the_removal_time_is_shown_in_the_bots_zone_as_every_time(chat: Chat) -> None:
    """「删除于」 is said as the bot says every time (「今天 12月6日（周日） 23:18」, in
    BOT_TIMEZONE), whatever the server's clock: here UTC−5, thirteen hours behind Beijing."""
    beijing = ZoneInfo(chat.services.settings.bot_timezone)
    await upload(chat, online_study_notice("三", "6月30日"))
    before = datetime.now(beijing)
    await remove_first(chat)
    after = datetime.now(beijing)
    shown = edit_of(await removed_list(chat)).text
    said = {format_when(moment, moment) for moment in (before, after)}  # a minute may turn
    assert any(f"上传 · 研修通知.txt · 删除于 {when}</i>" in shown for when in said), shown
    assert all(when.startswith("今天 ") for when in said)
    server = datetime.now().strftime("%H:%M")  # what the file name holds
    assert f"删除于 {server}" not in shown and f"{before:%Y-%m-%d}" not in shown

    # A file removed long ago (by an older bot, the same name format): 12:05 on the server
    # is 17:05 UTC, 01:05 the next day in Beijing. It is still listed, and still restored.
    folder = kb_of(chat).extra_notice_dir
    assert folder is not None
    older = folder / REMOVED_DIR / "20250105-120500-000000-音乐通知.txt"
    older.write_text(MUSIC, encoding="utf-8")
    shown = edit_of(await removed_list(chat))
    assert "<i>上传 · 音乐通知.txt · 删除于 2025年1月6日（周一） 01:05</i>" in shown.text
    assert "12:05" not in shown.text and "17:05" not in shown.text
    assert shown.text.index("研修通知.txt") < shown.text.index("音乐通知.txt")  # latest first
    done = edit_of(await chat.press(ADMIN, button([shown], "恢复第 2 条")))
    assert "♻️ 已恢复" in done.text and "<i>上传 · 音乐通知.txt</i>" in done.text
    assert "音乐通知.txt" in names(chat)
    assert "竖笛识谱" in await answer(chat, "器乐教学专项培训有哪些模块")


async def test_titles_in_the_upload_report_and_the_list_read_in_chinese_punctuation(
    chat: Chat,
) -> None:
    notice = online_study_notice("三", "6月30日").replace("网络研修管理", "网络研修(试行)管理")
    report = text_of(await upload(chat, notice))
    assert "《某省教育厅关于做好2031年乡村教师网络研修（试行）管理的通知》" in report
    listing = text_of(await chat.say(ADMIN, "/notices"))
    assert "网络研修（试行）管理" in listing and "(试行)" not in listing


async def test_restoring_a_replaced_shipped_notice_asks_first(chat: Chat) -> None:
    """QA8 M3 (a), QA9 M7: a shipped notice an uploaded version replaced is listed with the
    live file that has its 文号 and the clause where they differ (not as 「已被《…》替换」: the
    bot cannot know which is current); 「恢复」 asks first (「仍要恢复」 / 「取消」) showing both,
    「取消」 changes nothing, and after 「仍要恢复」 the reply says both versions are answered
    and how to drop one."""
    shipped = "2016-jiaoshi-12.txt"
    title = "教育部关于大力推行中小学教师培训学分管理的指导意见"
    original = (Path(__file__).parents[2] / "knowledge" / "corpus" / shipped).read_text("utf-8")
    revised = original.replace("五年一周期", "三年一周期")
    assert revised != original
    asked = await upload(chat, revised, "学分管理修订版.txt")
    await chat.press(ADMIN, button(asked, "替换旧版本"))
    assert kb_of(chat).hidden_files() == {shipped}

    shown = edit_of(await removed_list(chat))
    assert f"<i>内置 · {shipped} · 已隐藏</i>" in shown.text
    assert (
        f"<i>内置 · {shipped} · 已隐藏</i>\n🔎 不同之处：「为完善五年一周期的教师全员培训制度」\n"
        "⚠️ 与知识库里的「学分管理修订版.txt」文号或标题相同，恢复前会先问您。" in shown.text
    )
    ask = edit_of(await chat.press(ADMIN, button([shown], "恢复第 1 条")))
    assert (
        "<i>上传 · 学分管理修订版.txt</i>\n🔎 不同之处：「为完善三年一周期的教师全员培训制度」"
        in ask.text
    )
    assert (
        f"<i>内置 · {shipped} · 已隐藏</i>\n🔎 不同之处：「为完善五年一周期的教师全员培训制度」"
        in ask.text
    )
    assert "恢复后两份都会被引用" in ask.text and "只要知识库里现有的，请按「取消」" in ask.text
    assert "替换" not in ask.text and "新版本" not in ask.text
    assert kb_of(chat).hidden_files() == {shipped}  # nothing yet

    back = edit_of(await chat.press(ADMIN, button([ask], "取消")))
    assert "🗂 <b>已删除的通知</b>" in back.text and kb_of(chat).hidden_files() == {shipped}

    done = edit_of(await chat.press(ADMIN, button([ask], "仍要恢复")))
    assert done.text.startswith("♻️ 已恢复")
    assert (
        f"⚠️ 知识库里还有文号或标题相同的《{title}》（上传 · 学分管理修订版.txt）。"
        "现在两份都会被引用；只要其中一份的话，请在下面的列表里删除另一份。" in done.text
    )
    assert kb_of(chat).hidden_files() == set() and "学分管理修订版.txt" in names(chat)
    # A stale 「仍要恢复」 afterwards changes nothing.
    again = alert_of(await chat.press(ADMIN, button([ask], "仍要恢复")))
    assert "知识库没有改动" in again


async def test_a_removed_copy_of_a_live_notice_is_not_restored(chat: Chat) -> None:
    """QA8 M3 (b): removed, the identical file uploaded again, then 「恢复」 on the removed
    one: refused (「内容相同」), as the upload is, and nothing changes; the list says so."""
    notice = online_study_notice("三", "6月30日")
    await upload(chat, notice)
    undo = button(await remove_first(chat), "恢复")
    assert "已加入知识库" in text_of(await upload(chat, notice))
    before = names(chat)

    shown = edit_of(await removed_list(chat))
    assert "⛔ 与知识库里的「研修通知.txt」内容相同，不能恢复。" in shown.text
    # QA9 L6 (a): no 「恢复」 button for it; its old undo button, pressed, is refused.
    assert [b.text for row in shown.buttons for b in row] == ["◀ 返回列表"]
    for _ in range(2):  # pressed again: still refused, still nothing changed
        refused = alert_of(await chat.press(ADMIN, undo))
        assert refused == (
            "⛔ 没有恢复「研修通知.txt」：它和知识库里的「研修通知.txt」内容相同，"
            "恢复后每条都会答两遍。知识库没有改动。"
        )
    assert names(chat) == before and len(kb_of(chat).removed_files()) == 1
    hits = [hit.text for hit in kb_of(chat).ask(QUESTION, k=5).hits]
    assert sum("不少于三篇" in text for text in hits) == 1

    # The same text saved otherwise (Windows line ends) is the same notice too.
    (removed,) = kb_of(chat).removed_files()
    copy = removed["path"].parent.parent / "copy.txt"
    copy.write_bytes(notice.replace("\n", "\r\n").encode())
    try:
        match = kb_of(chat).live_matches(copy, "研修通知.txt")
    finally:
        copy.unlink()
    assert match.duplicate_of == "研修通知.txt" and match.same_as == []


async def test_an_undo_button_of_an_earlier_removal_says_so(chat: Chat) -> None:
    """QA8 L4: removed, 恢复, removed again, then the first removal's 「恢复」: refused (the
    newer removal is restored from the list), saying the button is from an earlier list and to
    open the list again, not that the notice is no longer in it."""
    await upload(chat, online_study_notice("三", "6月30日"))
    first_undo = button(await remove_first(chat), "恢复")
    assert "已恢复" in text_of(await chat.press(ADMIN, first_undo))
    second_undo = button(await remove_first(chat), "恢复")
    assert second_undo != first_undo

    refused = alert_of(await chat.press(ADMIN, first_undo))
    assert refused == (
        "这个「恢复」按钮来自较早的列表：它那一份「研修通知.txt」已经恢复过，后来又删除了一次，"
        "知识库没有改动。请重新发送 /notices，打开「已删除的通知」，按那里的「恢复」。"
    )
    assert "不在「已删除的通知」里" not in refused
    assert "研修通知.txt" not in names(chat) and len(kb_of(chat).removed_files()) == 1
    shown = edit_of(await removed_list(chat))
    assert "上传 · 研修通知.txt · 删除于" in shown.text
    assert "已恢复" in text_of(await chat.press(ADMIN, button([shown], "恢复第 1 条")))
    assert "不少于三篇" in await answer(chat)


async def test_a_page_of_removed_notices_reads_each_file_once(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The removed list compares each removed notice shown with every live file: a page of
    them parses each removed file once and hashes each file at most once (not every live file
    once per removed notice), and showing the page again reads no file."""
    await upload(chat, online_study_notice("三", "6月30日"))
    await remove_first(chat)
    await upload(chat, MUSIC, "音乐通知.txt")
    await remove_first(chat)
    kb = kb_of(chat)
    kb.remove(["2016-jiaoshi-12.txt"])  # a shipped one hidden too (`guopei-bot remove`)
    await upload(chat, online_study_notice("五", "7月15日"), "新版研修通知.txt")

    hashed: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    digest, parse = knowledge.kb._file_digest, knowledge.ingest.parse_notice_file

    def counted_digest(path: Path) -> str:
        hashed[Path(path).name] += 1
        return digest(path)

    def counted_parse(path: Path, name: str | None = None) -> knowledge.ingest.ParsedFile:
        parsed[Path(path).name] += 1
        return parse(path, name)

    monkeypatch.setattr(knowledge.kb, "_file_digest", counted_digest)
    monkeypatch.setattr(knowledge.kb, "parse_notice_file", counted_parse)
    monkeypatch.setattr(knowledge.ingest, "parse_notice_file", counted_parse)

    shown = edit_of(await removed_list(chat))
    assert "共 3 份" in shown.text and "♻️ 恢复第 3 条" in str(shown.buttons)
    assert "⚠️ 与知识库里的「新版研修通知.txt」文号或标题相同，恢复前会先问您。" in shown.text
    assert "🔎 不同之处：「参训教师每月须完成不少于三篇网络研修日志」" in shown.text
    assert "竖笛识谱" not in shown.text and "器乐教学专项培训" in shown.text
    assert hashed["新版研修通知.txt"] == 1  # compared with the removed ones, once
    assert max(hashed.values()) == 1, hashed
    uploads = [entry["path"].name for entry in kb.removed_files() if not entry["shipped"]]
    assert len(uploads) == 2 and [parsed[name] for name in uploads] == [1, 1], parsed
    assert max(parsed.values()) == 1, parsed

    hashed.clear()
    parsed.clear()
    again = edit_of(await removed_list(chat))
    assert "共 3 份" in again.text and again.buttons == shown.buttons
    assert not hashed and not parsed


async def test_restoring_beside_an_older_live_copy_does_not_call_it_the_new_version(
    chat: Chat,
) -> None:
    """QA9 M7 and L6 (a, b): 三篇 uploaded and removed, 五篇 (the same 文号) uploaded and
    removed, then a copy of 三篇 uploaded. Nobody replaced anything and the live file holds the
    older text: the list and 恢复's question say only that the 文号 or title is the same, name
    the live file and let the admin decide; the two removed versions, alike in title, 文号 and
    date, are told apart by the clause they differ in; the removed copy of the live file has no
    「恢复」 button."""
    await upload(chat, online_study_notice("三", "6月30日"), "住宿安排通知.txt")
    await remove_first(chat)
    await upload(chat, online_study_notice("五", "6月30日"), "住宿安排通知-修订.txt")
    await remove_first(chat)
    added = await upload(chat, online_study_notice("三", "6月30日"), "住宿安排通知副本.txt")
    assert "已加入知识库" in text_of(added)

    shown = edit_of(await removed_list(chat))
    revised, first = shown.text.split("\n\n")[1:3]
    assert revised.startswith(f"1. 《{TITLE}》 {DOC_NUMBER} · 2031-03-01\n")
    assert first.startswith(f"2. 《{TITLE}》 {DOC_NUMBER} · 2031-03-01\n")
    assert "🔎 不同之处：「参训教师每月须完成不少于五篇网络研修日志」" in revised
    assert "⚠️ 与知识库里的「住宿安排通知副本.txt」文号或标题相同，恢复前会先问您。" in revised
    # QA11 L6: a copy of the live file is said to be one, not told apart from it by a 🔎 line
    assert "⛔ 与知识库里的「住宿安排通知副本.txt」内容相同，不能恢复。" in first
    assert "🔎" not in first
    assert "替换" not in shown.text and "新版本" not in shown.text
    for entry in (revised, first):  # the entry itself: no more than a few short lines
        assert len(entry.splitlines()) <= 4, entry
    assert [b.text for row in shown.buttons for b in row] == ["♻️ 恢复第 1 条", "◀ 返回列表"]

    asked = edit_of(await chat.press(ADMIN, button([shown], "恢复第 1 条")))
    assert "替换" not in asked.text and "新版本" not in asked.text
    assert asked.text.startswith(
        "♻️ <b>恢复这份通知？</b>\n"
        "知识库里有文号或标题与它相同的通知（可能是同一份通知的另一个版本）：\n\n"
        f"• 《{TITLE}》 {DOC_NUMBER} · 2031-03-01\n<i>上传 · 住宿安排通知副本.txt</i>\n"
        "🔎 不同之处：「参训教师每月须完成不少于三篇网络研修日志」\n\n"
        f"要恢复的：《{TITLE}》 {DOC_NUMBER} · 2031-03-01\n"
        "<i>上传 · 住宿安排通知-修订.txt · 删除于 "
    )
    assert asked.text.endswith(
        "</i>\n🔎 不同之处：「参训教师每月须完成不少于五篇网络研修日志」\n\n"
        "恢复后两份都会被引用，学员会同时看到它们的条款和期限。哪一份是现行的，请您对照后决定："
        "只要知识库里现有的，请按「取消」；要恢复这份，请按「仍要恢复」"
        "（只留这份的话，恢复后在列表里删除另一份）。"
    )
    assert [b.text for row in asked.buttons for b in row] == ["♻️ 仍要恢复", "↩️ 取消"]
    assert "住宿安排通知-修订.txt" not in names(chat)
    done = edit_of(await chat.press(ADMIN, button([asked], "仍要恢复")))
    assert "♻️ 已恢复" in done.text and "住宿安排通知-修订.txt" in names(chat)
    hits = " ".join(hit.text for hit in kb_of(chat).ask(QUESTION, k=5).hits)
    assert "不少于三篇" in hits and "不少于五篇" in hits


async def test_restored_by_the_command_line_while_pressed_says_it_is_in_use(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA9 L6 (c) in the chat: `guopei-bot restore` brings the notice back just as the admin
    presses 「恢复」 (after the bot found it removed): said it was restored already, not that
    nothing removed was found; nothing changes."""
    import handlers.notices

    await upload(chat, online_study_notice("三", "6月30日"))
    await remove_first(chat)
    shown = await removed_list(chat)
    kb = kb_of(chat)
    compare = handlers.notices.live_match

    def restored_meanwhile(kb: KnowledgeBase, entry: dict) -> object:
        kb.restore(entry["name"])  # the other process, between the bot's look and its restore
        return compare(kb, entry)

    monkeypatch.setattr(handlers.notices, "live_match", restored_meanwhile)
    refused = alert_of(await chat.press(ADMIN, button(shown, "恢复第 1 条")))
    assert refused == (
        "这个「恢复」按钮来自较早的列表，它那一份已经恢复过了（可能刚刚恢复，或被其他管理员恢复），"
        "知识库没有改动。请重新发送 /notices，打开「已删除的通知」查看现在的列表。"
    )
    assert "没有找到" not in refused
    assert names(chat).count("研修通知.txt") == 1
    assert kb.removed_files() == [] and "不少于三篇" in await answer(chat)


async def test_two_removed_copies_of_one_text_are_said_to_be_the_same(chat: Chat) -> None:
    """QA11 L6: the same text uploaded, removed, uploaded under another name and removed again:
    the list says the older entry is the same as the newer one, and offers both."""
    notice = online_study_notice("三", "6月30日")
    await upload(chat, notice, "研修通知.txt")
    await remove_first(chat)
    await upload(chat, notice, "研修通知副本.txt")
    await remove_first(chat)

    shown = edit_of(await removed_list(chat))
    newer, older = shown.text.split("\n\n")[1:3]
    assert "研修通知副本.txt" in newer and "🔁" not in newer
    assert "🔁 与第 1 条内容相同，恢复其中一份即可。" in older and "🔎" not in older
    buttons = [b.text for row in shown.buttons for b in row]
    assert buttons == ["♻️ 恢复第 1 条", "♻️ 恢复第 2 条", "◀ 返回列表"]


async def test_the_replace_question_shows_where_alike_versions_differ(chat: Chat) -> None:
    """QA11 L6: a new version alike in title, 文号 and date: 「替换旧版本」 is asked with the
    clause each version says otherwise, so the admin sees what changes."""
    await upload(chat, online_study_notice("三", "6月30日"), "研修通知.txt")
    asked = text_of(await upload(chat, online_study_notice("五", "6月30日"), "研修通知-修订.txt"))
    new, old = asked.split("已有：")
    assert "🔎 不同之处：「参训教师每月须完成不少于五篇网络研修日志」" in new
    assert "🔎 不同之处：「参训教师每月须完成不少于三篇网络研修日志」" in old
