"""An admin sends the bot a .docx zip bomb (a small file unpacking to 13 MB of XML; both
engines, the fake Bot API server): it is refused at once in Chinese, saying why and what to send
instead, nothing is stored, and a real notice sent next is added and answered as usual."""

from __future__ import annotations

from pathlib import Path

from tests.knowledge.samples import online_study_notice
from tests.knowledge.test_hostile_files import zip_bomb

ADMIN, TRAINEE = 900, 1001


def test_a_docx_zip_bomb_is_refused_and_nothing_is_stored(
    start_bot, fake_telegram, data_dir: Path, tmp_path: Path
) -> None:
    tg = fake_telegram
    bot = start_bot(admin_ids=str(ADMIN))
    bomb = zip_bomb(tmp_path / "研修通知.docx", 120_000).read_bytes()

    def upload(filename: str, content: bytes, expected: str) -> str:
        mark = tg.mark()
        tg.send_document(user_id=ADMIN, filename=filename, content=content)
        call = tg.wait_for(
            method="sendMessage", chat_id=ADMIN, text_contains=expected, after=mark, timeout=30
        )
        return call.text

    refusal = upload("研修通知.docx", bomb, "没有加入知识库")
    assert "这个 .docx 解压后过大（约 13 MB，是文件本身的" in refusal
    assert "另存为 PDF" in refusal and "知识库没有任何改动" in refusal
    notices = data_dir / "notices"
    assert not notices.exists() or not any(notices.iterdir())
    # The bomb wraps a real notice (某教〔2030〕7号): it is not answered from.
    mark = tg.mark()
    tg.send_text(user_id=TRAINEE, text="工作坊坊主每月组织几次主题研讨")
    answer = tg.wait_for(method="sendMessage", chat_id=TRAINEE, after=mark)
    assert "某教〔2030〕7号" not in answer.text and "不少于两次" not in answer.text

    added = upload("研修通知.txt", online_study_notice("三", "6月30日").encode(), "已加入知识库")
    assert "某教〔2031〕3号" in added
    assert [path.name for path in notices.iterdir()] == ["研修通知.txt"]

    assert bot.stop() == 0
    assert "Traceback" not in bot.log()
