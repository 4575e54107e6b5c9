"""The upload report's 「• 修复乱码 N 处」 (QA15 #3) counts the mojibake repaired; a notice
in traditional characters converted to simplified ones is no mojibake: it is reported as
「• 繁体字转为简体 N 处」. Through the conversation core on SQLite."""

from __future__ import annotations

from tests.questions.conftest import ADMIN, Chat, text_of

BODY = "为深入贯彻落实全国教育大会精神,进一步加强中小学幼儿园教师培训工作,提高培训质量。" * 3
TRADITIONAL_BODY = (
    "為深入貫徹落實全國教育大會精神,進一步加強中小學幼兒園教師培訓工作,提高培訓質量。" * 3
)
# Each a mojibake knowledge/cleaning.py repairs: 「各?。ㄇ?、市)」 → 「各省(区、市)」.
GARBLED_ADDRESSEE = "各?。ㄇ?、市)教育厅、财政厅(局):"


def notice(title: str, body: str) -> bytes:
    """One notice as a scraped page holds it, with the garbled addressee line."""
    return (
        f"{title}\n教师厅函〔2026〕7号\n{GARBLED_ADDRESSEE}\n{body}\n一、总体要求\n{body}\n"
        "教育部办公厅\n2026年3月1日\n"
    ).encode()


async def test_mojibake_repaired_is_reported(chat: Chat) -> None:
    title = "教育部办公厅关于做好2026年中小学幼儿园教师国家级培训计划组织实施工作的通知"

    report = text_of(await chat.send_file(ADMIN, "简体通知.txt", notice(title, BODY)))

    assert "✅ 已加入知识库：简体通知.txt" in report
    assert "\n• 修复乱码 1 处" in report
    assert "繁体" not in report


async def test_traditional_characters_are_not_reported_as_mojibake(chat: Chat) -> None:
    title = "教育部辦公廳關於做好2026年中小學幼兒園教師國家級培訓計劃組織實施工作的通知"

    report = text_of(await chat.send_file(ADMIN, "繁体通知.txt", notice(title, TRADITIONAL_BODY)))

    assert "✅ 已加入知识库：繁体通知.txt" in report
    assert "\n• 修复乱码 1 处" in report  # the addressee line, as in the simplified notice
    assert "\n• 繁体字转为简体 " in report
