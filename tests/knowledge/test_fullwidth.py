"""A notice typed with full-width punctuation (（一）, ：, ；, 文号 （2031）) — as Word and the
ministries' sites write them — is read exactly like the same notice in ASCII punctuation."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict

from knowledge.ingest import parse_notice_text

ASCII = (
    "某省教育厅关于做好2031年乡村教师网络研修管理的通知\n"
    "某教(2031)7号\n"
    "各市、县(区)教育局:\n"
    "一、研修要求\n"
    "(一)参训教师每月须完成不少于三篇网络研修日志;每篇不少于八百字。\n"
    "(二)辅导教师须于每月10日前完成审阅!\n"
    "二、材料报送\n"
    "请各市于2031年6月30日前将研修总结报送省项目办。\n"
    "附件:1.研修日志模板\n"
    "某省教育厅\n"
    "2031年3月1日\n"
)
FULL_WIDTH = ASCII.translate(str.maketrans("():;!", "（）：；！"))


def test_full_width_punctuation_reads_like_ascii() -> None:
    ascii_file = parse_notice_text(ASCII, "a.txt")
    full_file = parse_notice_text(FULL_WIDTH, "b.txt")
    (ascii_notice,) = ascii_file.documents
    (full_notice,) = full_file.documents
    assert full_notice.doc_number == ascii_notice.doc_number == "某教〔2031〕7号"
    for field in ("title", "issuer", "date", "addressee", "attachments"):
        assert folded(asdict(full_notice)[field]) == asdict(ascii_notice)[field], field
    # One clause path either way, so citations and deadlines name 「条款 一、(一)」 alike.
    assert [p.clause for p in full_file.passages] == [p.clause for p in ascii_file.passages]
    assert [folded(p.text) for p in full_file.passages] == [p.text for p in ascii_file.passages]
    assert any("(一)" in p.clause for p in ascii_file.passages)


def folded(value: object) -> object:
    """The value with its full-width punctuation written in ASCII."""
    if isinstance(value, list):
        return [folded(item) for item in value]
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value
