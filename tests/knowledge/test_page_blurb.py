"""A site's intro beside a notice on a page (「本站简介」 over a paragraph) is no notice: it
stays searchable, cited as what it is, and the ingest report counts the notices only. The
shipped page with a blurb and three notices keeps its four pieces."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest import parse_notice_file, parse_notice_text
from knowledge.models import BLURB_TITLE
from tests.knowledge.samples import online_study_notice

INTRO = (
    "本站简介\n"
    "乡村教师研修网是面向全省乡村中小学教师的公益性学习平台,由省教师发展中心主办,"
    "汇集国培计划、省培计划的政策文件、课程资源和优秀研修成果,为参训教师、辅导教师和项目"
    "管理者提供在线学习、交流研讨和成果展示的服务,欢迎广大教师注册使用。\n"
)
# The notice's clauses long enough that the page splits there (as a real notice's are).
NOTICE = online_study_notice("四", "6月30日").replace(
    "由辅导教师审阅评分。",
    "由辅导教师审阅评分。" + "辅导教师应在收到日志后五个工作日内给出评语。" * 8,
)


def test_an_intro_beside_a_notice_is_not_counted_as_a_notice() -> None:
    parsed = parse_notice_text(INTRO + NOTICE, "研修网.html")

    intro, notice = parsed.documents
    assert intro.title == BLURB_TITLE and not intro.is_notice
    assert "公益性学习平台" in intro.text
    assert notice.title == "某省教育厅关于做好2031年乡村教师网络研修管理的通知"
    assert notice.doc_number == "某教〔2031〕3号" and notice.is_notice
    assert parsed.report.documents == [notice.doc_id]


def test_a_page_of_notices_keeps_them_all_and_reports_only_the_notices(
    corpus_dir: Path,
) -> None:
    parsed = parse_notice_file(corpus_dir / "003_f04167f55225327c.txt")

    assert len(parsed.documents) == 4 and not parsed.documents[0].is_notice
    assert parsed.report.documents == [d.doc_id for d in parsed.documents[1:]]
