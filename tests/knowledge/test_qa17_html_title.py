"""A page's site navigation is never glued onto its notice's title (QA17 F5).

An uploaded page's menu (「首页 政务公开 登录」, links side by side in a division, or two links in
a <ul>) was read as the first words of the title: every answer cited 《首页政务公开登录某省教育厅
关于…的通知》. A run of short links is a line of its own (「首页 | 政务公开 | 登录」) that cleaning
removes and no title takes in, whatever its words; the title is the page's <h1>, the title line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from knowledge.ingest import parse_notice_file, parse_notice_text
from knowledge.loaders import html_to_text
from knowledge.notices import _find_title

TITLE = "某省教育厅关于加强2026年“国培计划”学员考勤管理的通知"
NUMBER = "某教师〔2026〕45号"
ARTICLE = (
    f'<div class="article"><h1>{TITLE}</h1>\n'
    f"<p>{NUMBER}</p>\n"
    "<p>各市、县（区）教育局：</p>\n"
    "<p>为加强“国培计划”项目管理，现就学员考勤管理有关要求通知如下。</p>\n"
    "<p>一、学员请假须提前向班主任提交书面申请，请假累计超过总学时十分之一的，不予结业。</p>\n"
    "<p>二、学员无故缺勤两次以上的，由培训机构通报其所在学校。</p>\n"
    "<p>某省教育厅</p><p>2026年12月1日</p></div>\n"
)
AD = '<div class="ad">双色球 开奖结果 点击进入</div>\n'
FOOTER = '<div class="footer">版权所有 某省教育厅 备案号 X ICP 123</div>'
LINKS = (
    '<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> '
    '<a href="/login">登录</a></div>'
)
LIST = '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul>'


def page(nav: str, ad: str = AD) -> str:
    return (
        '<html><head><meta charset="utf-8">'
        "<title>关于2026年国培计划学员考勤管理的通知_某省教育厅</title></head><body>\n"
        f"{nav}\n{ad}{ARTICLE}{FOOTER}</body></html>"
    )


def parsed_page(tmp_path: Path, html: str):
    path = tmp_path / "notice.html"
    path.write_text(html, encoding="utf-8")
    parsed = parse_notice_file(path)
    assert len(parsed.documents) == 1
    return parsed


@pytest.mark.parametrize(
    ("nav", "menu_line"),
    [
        (LINKS, "首页 | 政务公开 | 登录"),  # the tester's real.html
        (LIST, "首页 | 政务公开"),  # real2.html: two links in a list
        ("<div><span><a>首页</a></span>|<span><a>政务公开</a></span>|<a>登录</a></div>", None),
        ("<div><a>首页</a><br><a>登录</a></div>", "首页 | 登录"),
        ("<div><a>首页</a> &gt; <a>政务公开</a> &gt; <a>通知公告</a></div>", None),
    ],
    ids=["links", "list", "spans", "br", "breadcrumb"],
)
@pytest.mark.parametrize("ad", [AD, ""], ids=["ad", "no-ad"])
def test_the_title_is_the_notices_own_and_the_menu_is_removed(
    tmp_path: Path, nav: str, menu_line: str | None, ad: str
) -> None:
    parsed = parsed_page(tmp_path, page(nav, ad))
    document = parsed.documents[0]
    assert (document.title, document.doc_number) == (TITLE, NUMBER)
    assert document.issuer == "某省教育厅" and document.date == "2026-12-01"
    everything = "\n".join(p.text for p in parsed.passages)
    for word in ("首页", "政务公开", "登录", "双色球"):
        assert word not in everything
    navigation = parsed.report.samples["site_navigation"]
    assert menu_line is None or navigation == [menu_line]
    # The ad is reported as what it is, not as the site's navigation.
    assert not any("双色球" in sample for sample in navigation)
    if ad:
        assert parsed.report.samples["lottery_spam"] == ["双色球 开奖结果 点击进入"]


def test_links_of_any_words_are_a_line_of_their_own_not_the_titles_start(
    tmp_path: Path,
) -> None:
    """Not a list of menu words: links no menu word names still stay off the title."""
    nav = "<div><a>教育动态</a> <a>人事信息</a> <a>培训园地</a></div>"
    assert "\n教育动态 | 人事信息 | 培训园地\n" in html_to_text(nav)
    document = parsed_page(tmp_path, page(nav)).documents[0]
    assert document.title == TITLE


def test_a_breadcrumb_of_links_keeps_its_arrows_and_is_removed(tmp_path: Path) -> None:
    nav = "<div><a>首页</a> &gt; <a>培训动态</a></div>"
    assert html_to_text(nav) == "\n首页 > 培训动态\n"
    parsed = parsed_page(tmp_path, page(nav))
    assert parsed.documents[0].title == TITLE
    assert parsed.report.samples["site_navigation"][0] == "首页 > 培训动态"


def test_a_paragraph_with_links_in_its_words_is_not_a_menu() -> None:
    text = html_to_text("<p>请登录<a>国培平台</a>或<a>研修网</a>报名。</p><p><a>附件1</a></p>")
    assert text == "\n请登录国培平台或研修网报名。\n\n附件1\n"


def test_the_same_title_through_an_upload_and_in_every_answer(tmp_path: Path) -> None:
    """The chat's upload and the CLI both go through kb.ingest."""
    kb = KnowledgeBase.open(tmp_path / "cache", tmp_path / "notices")
    for name, nav in (("real.html", LINKS), ("real2.html", LIST)):
        path = tmp_path / name
        html = page(nav).replace("考勤管理", "考勤工作" if name == "real2.html" else "考勤管理")
        path.write_text(html.replace(NUMBER, f"某教师〔2026〕{len(name)}号"), encoding="utf-8")
        (report,) = kb.ingest([path])
        assert report.ok and report.notices[0]["title"] in (
            TITLE,
            TITLE.replace("考勤管理", "考勤工作"),
        )
    titles = {d["title"] for d in kb.documents() if "考勤" in d["title"]}
    assert titles == {TITLE, TITLE.replace("考勤管理", "考勤工作")}
    answer = kb.ask("学员无故缺勤两次以上怎么处理")
    assert answer.answered and "无故缺勤两次以上" in answer.hits[0].text
    assert {hit.title for hit in answer.hits if "考勤" in hit.title} <= titles
    assert answer.hits[0].title in titles


@pytest.mark.parametrize(
    "head",
    [
        ["首页 政务公开 登录"],  # a menu copied off a page: one space between its links
        ["首页", "登录"],  # lone links, each a line
        ["首页 | 教育动态"],
    ],
    ids=["spaced", "lone", "piped"],
)
def test_a_text_notice_under_a_menu_keeps_its_title(head: list[str]) -> None:
    lines = [
        *head,
        TITLE,
        NUMBER,
        "各市、县（区）教育局：",
        "一、学员请假须提前向班主任提交书面申请，请假累计超过总学时十分之一的，不予结业。",
        "某省教育厅",
        "2026年12月1日",
    ]
    document = parse_notice_text("\n".join(lines), "notice.txt").documents[0]
    assert (document.title, document.doc_number) == (TITLE, NUMBER)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # Issuers above the line naming the last of them are the title's words.
        (
            [
                "教育部 中央宣传部 中央编办",
                "国家发展改革委 财政部等八部门关于印发《强师计划》的通知",
            ],
            "教育部 中央宣传部 中央编办国家发展改革委 财政部等八部门关于印发《强师计划》的通知",
        ),
        (["某省教育厅", "关于做好研修工作的通知"], "某省教育厅关于做好研修工作的通知"),
        (
            ["某市教育局关于转发", "《教育部关于做好培训工作的通知》的通知"],
            "某市教育局关于转发《教育部关于做好培训工作的通知》的通知",
        ),
        (["首页", "某省教育厅关于做好研修工作的通知"], "某省教育厅关于做好研修工作的通知"),
        (["首页 | 政务公开", "关于做好研修工作的通知"], "关于做好研修工作的通知"),
    ],
    ids=["issuers", "banner", "forwarded", "lone-link", "menu"],
)
def test_title_lines_still_join_where_a_title_wraps(head: list[str], title: str) -> None:
    assert _find_title(head) == title
