"""A notice updated, removed, and changed from the command line while the real bot runs (both
engines, SQLite and PostgreSQL, the fake Bot API server):

- the admin uploads a corrected version (same 文号): the bot asks 「替换旧版本 / 另存为新通知」
  and changes nothing until then; a forged press is refused; 替换 retires the old file, so the
  trainee gets only the new clause and /deadlines only the new date; the same button again is
  refused;
- /notices lists the files; 删除 → 确认删除 stops the notice being answered at once;
- `guopei-bot ingest` in another process while the bot runs: the next question is answered from
  the new notice, and `guopei-bot remove` takes it away again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.knowledge.samples import MUSIC, online_study_notice

ADMIN, TRAINEE = 900, 1001


def button(call, label: str) -> str:
    for text, data in call.buttons:
        if label in text and data:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons}")


def test_replace_remove_and_cli_changes_reach_the_running_bot(
    start_bot, fake_telegram, database_url, data_dir: Path, tmp_path: Path
):
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN), database_url=database_url)

    def say(user_id: int, text: str, expected: str, method: str = "sendMessage"):
        mark = tg.mark()
        tg.send_text(user_id=user_id, text=text)
        return tg.wait_for(
            method=method, chat_id=user_id, text_contains=expected, after=mark, timeout=30
        )

    def upload(content: bytes, expected: str):
        mark = tg.mark()
        tg.send_document(user_id=ADMIN, filename="研修通知.txt", content=content)
        return tg.wait_for(
            method="sendMessage", chat_id=ADMIN, text_contains=expected, after=mark, timeout=30
        )

    def press(call, data: str, expected: str, method: str = "editMessageText"):
        mark = tg.mark()
        # check=False: forged and stale presses carry data the message does not (or no
        # longer) show.
        tg.press_button(user_id=ADMIN, message_id=call.message_id, data=data, check=False)
        return tg.wait_for(method=method, text_contains=expected, after=mark, timeout=30)

    question = "网络研修日志每月要写几篇"
    upload(online_study_notice("三", "6月30日").encode(), "已加入知识库")
    assert "不少于三篇" in say(TRAINEE, question, "某教〔2031〕3号").text

    # A corrected version: the admin is asked, and nothing changes before the answer.
    asked = upload(online_study_notice("五", "7月15日").encode(), "可能是它的新版本")
    assert "某教〔2031〕3号" in asked.text and "研修通知.txt" in asked.text
    labels = [text for text, _ in asked.buttons]
    assert any("替换旧版本" in t for t in labels) and any("另存为新通知" in t for t in labels)
    assert "不少于三篇" in say(TRAINEE, question, "某教〔2031〕3号").text
    press(asked, "kbn:1:rp:0123456789ab", "已过期", method="answerCallbackQuery")  # forged
    press(asked, "kbn:1:rp:../../etc", "已过期", method="answerCallbackQuery")

    replaced = press(asked, button(asked, "替换旧版本"), "已替换旧版本")
    assert "研修通知.txt" in replaced.text and "期限" in replaced.text
    answer = say(TRAINEE, question, "某教〔2031〕3号")
    assert "不少于五篇" in answer.text and "三篇" not in answer.text
    deadlines = say(TRAINEE, "/deadlines", "截止时间")
    assert "7月15日" in deadlines.text or "07-15" in deadlines.text, deadlines.text
    assert "6月30日" not in deadlines.text and "06-30" not in deadlines.text
    press(asked, button(asked, "替换旧版本"), "已经处理过", method="answerCallbackQuery")

    # /notices: the uploaded file first, 删除 → 确认删除, then it is no longer answered.
    listing = say(ADMIN, "/notices", "知识库里的通知")
    assert "某教〔2031〕3号" in listing.text.split("\n\n")[1]
    confirm = press(listing, button(listing, "删除第 1 条"), "删除这份通知")
    press(confirm, button(confirm, "确认删除"), "已删除")
    say(TRAINEE, question, "没有找到")
    press(confirm, button(confirm, "确认删除"), "不在知识库里", method="answerCallbackQuery")

    # The command line, while the bot runs: answered at once, and removed at once.
    music = tmp_path / "yinyue.txt"
    music.write_text(MUSIC, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(DATA_DIR=str(data_dir), DATABASE_URL=database_url)
    cli = [sys.executable, "-m", "bot"]
    done = subprocess.run([*cli, "ingest", str(music)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "竖笛识谱" in say(TRAINEE, "器乐教学专项培训有哪些模块", "某教〔2031〕44号").text
    done = subprocess.run([*cli, "remove", "yinyue.txt"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    say(TRAINEE, "器乐教学专项培训有哪些模块", "没有找到")

    assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log and "notices changed on disk: index reloaded" in log
