"""A notice page whose title is only in its <title> (government pages often open the text with
the 文号) is cited by that title, its site's name cut off, in GB2312 and UTF-8 alike; the 文号
is never cited as the title as well (QA13 M12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import parse_notice_file

TITLE = "关于做好2026年乡村教师访名校培训的通知"
NUMBER = "教师司函〔2026〕30号"
BODY = (
    f"<p>{NUMBER}</p>\n"
    "<p>各省、自治区、直辖市教育厅（教委）：</p>\n"
    "<p>一、访名校培训时间为15天，参训教师须为乡村学校在岗教师，年龄不超过50周岁。</p>\n"
    "<p>二、请于2027年2月1日前报送参训名单。</p>\n"
    "<p>教育部教师工作司</p><p>2026年12月3日</p>\n"
)


def page(title: str, body: str = BODY, charset: str = "utf-8") -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title></head><body>\n{body}</body></html>"
    )


def notice(tmp_path: Path, html: str, encoding: str = "utf-8"):
    path = tmp_path / "page.html"
    path.write_bytes(html.encode(encoding))
    parsed = parse_notice_file(path)
    assert len(parsed.documents) == 1
    return parsed


@pytest.mark.parametrize(
    ("page_title", "encoding"),
    [
        (f"{TITLE}_中华人民共和国教育部政府门户网站", "gb2312"),
        (f"{TITLE}_中华人民共和国教育部政府门户网站", "utf-8"),
        (f"{TITLE} - 某某教育网", "gb2312"),
        (f"{TITLE}-湖南教育网", "utf-8"),
        (f"中国教师研修网 | {TITLE}", "utf-8"),
        (TITLE, "gb2312"),
    ],
)
def test_the_title_only_in_title_is_the_notices_title(
    tmp_path: Path, page_title: str, encoding: str
) -> None:
    charset = "gb2312" if encoding == "gb2312" else "utf-8"
    parsed = notice(tmp_path, page(page_title, charset=charset), encoding)
    document = parsed.documents[0]
    assert (document.title, document.doc_number) == (TITLE, NUMBER)
    assert document.date == "2026-12-03"
    clauses = [p for p in parsed.passages if p.kind != "meta"]
    # The title is the notice's name, not a clause of it.
    assert [p.clause for p in clauses] == ["一、", "二、"]
    assert all(TITLE not in p.text for p in clauses)


def test_a_page_with_its_own_title_line_keeps_it(tmp_path: Path) -> None:
    body = f"<h1>教育部教师工作司{TITLE}</h1>\n{BODY}"
    parsed = notice(tmp_path, page(f"{TITLE}_教育部", body))
    assert parsed.documents[0].title == f"教育部教师工作司{TITLE}"
    assert all(TITLE not in p.text for p in parsed.passages if p.kind != "meta")


@pytest.mark.parametrize("page_title", ["中华人民共和国教育部政府门户网站", "首页", "", "详情"])
def test_a_title_that_names_no_notice_is_not_used_and_the_number_is_not_the_title(
    tmp_path: Path, page_title: str
) -> None:
    document = notice(tmp_path, page(page_title)).documents[0]
    # Untitled (cited as 《未命名通知》 · 教师司函〔2026〕30号), rather than the 文号 twice.
    assert (document.title, document.doc_number) == ("", NUMBER)


def test_a_text_notice_opening_with_its_number_is_not_titled_by_it(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        f"{NUMBER}\n各省、自治区、直辖市教育厅（教委）：\n"
        "一、访名校培训时间为15天，参训教师须为乡村学校在岗教师。\n"
        "二、请于2027年2月1日前报送参训名单。\n教育部教师工作司\n2026年12月3日\n",
        encoding="utf-8",
    )
    document = parse_notice_file(path).documents[0]
    assert (document.title, document.doc_number) == ("", NUMBER)


@pytest.mark.parametrize(
    ("page_title", "title"),
    [
        ("关于印发《教师培训管理办法》的通知 - 某某网", "关于印发《教师培训管理办法》的通知"),
        ("国培计划(2021-2025年)实施方案_某省教育厅", "国培计划(2021-2025年)实施方案"),
        ("关于做好2021-2025年国培工作的安排-湖南教育网", "关于做好2021-2025年国培工作的安排"),
        ("教育部办公厅关于开展送教下乡的通知——新华网", "教育部办公厅关于开展送教下乡的通知"),
        ("2026年教师培训通知汇编", ""),  # a compilation's name, not a notice's
        ("某某教育网", ""),
    ],
)
def test_a_sites_name_is_cut_off_the_page_title(page_title: str, title: str) -> None:
    from knowledge.notices import page_title_line

    assert page_title_line(page_title, f"{NUMBER}\n一、培训安排如下。") == title
