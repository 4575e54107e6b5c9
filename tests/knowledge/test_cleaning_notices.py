"""Cleaning keeps a notice's own words: what a trainee is quoted and what the admin is told.

The notices here are laid out as real ones are (issuer above the title and in the signature, a
文件汇编 of several notices, 报名网址, lists under a clause, Markdown, site menus), after the
findings of a QA session (notes/qa5a.md).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from knowledge import IngestError, KnowledgeBase
from knowledge.ingest import parse_notice_file, parse_notice_text
from knowledge.models import clause_label


def cited(parsed, words: str) -> tuple[str, str, str, str]:
    """(clause text, 《title》, 文号, clause label) of the passage that quotes `words`."""
    passage = next(p for p in parsed.passages if p.kind != "meta" and words in p.text)
    document = next(d for d in parsed.documents if d.doc_id == passage.doc_id)
    return passage.text, document.title, document.doc_number, clause_label(passage.clause)


ISSUER_TWICE = "\n".join(
    [
        "某省教育厅",
        "关于做好2031年乡村教师访名校研修工作的通知",
        "某教〔2031〕31号",
        "各市、县(区)教育局:",
        "一、研修安排",
        "参训教师赴名校跟岗研修不少于十天,跟岗期间的食宿由某省教育厅统一安排,交通费回原单位报销。",
        "二、材料报送",
        "请各市于2031年9月1日前将研修总结报送某省教育厅教师工作处。",
        "某省教育厅",
        "2031年5月1日",
    ]
)


def test_a_line_that_recurs_is_notice_text_and_clauses_keep_every_word() -> None:
    parsed = parse_notice_text(ISSUER_TWICE, "split-title.txt")
    text, title, number, label = cited(parsed, "食宿")
    assert "跟岗期间的食宿由某省教育厅统一安排" in text
    assert (title, number, label) == (
        "某省教育厅关于做好2031年乡村教师访名校研修工作的通知",
        "某教〔2031〕31号",
        "条款 一、",
    )
    text, *_ = cited(parsed, "研修总结")
    assert "报送某省教育厅教师工作处。" in text
    assert parsed.documents[0].issuer == "某省教育厅"
    assert "site_navigation" not in parsed.report.removed


def test_an_html_banner_naming_the_issuer_stays_in_the_clauses(tmp_path: Path) -> None:
    lines = ISSUER_TWICE.split("\n")
    page = tmp_path / "banner.html"
    body = "".join(f"<p>{line}</p>" for line in lines[1:])
    page.write_text(f"<html><body><h1>{lines[0]}</h1>{body}</body></html>", encoding="utf-8")
    parsed = parse_notice_file(page)
    text, title, *_ = cited(parsed, "食宿")
    assert "食宿由某省教育厅统一安排" in text
    assert title == "某省教育厅关于做好2031年乡村教师访名校研修工作的通知"


def test_a_site_name_planted_inside_brackets_is_still_removed() -> None:
    raw = "\n".join(
        [
            "首页 - 招生专业 > 国培远程培训平台",
            "国培远程培训平台",
            "教育部关于举办双语教师普通话培训班的通知",
            "国培远程培训平台",
            "各省、自治区教育厅:",
            "一、培训组织",
            "培训班仍委托相关省(国培远程培训平台区)就近集中举办,各地可以在省会集中办班。",
            "教育部",
            "2011年6月21日",
        ]
    )
    parsed = parse_notice_text(raw, "plant.txt")
    text, *_ = cited(parsed, "就近集中举办")
    assert "委托相关省(区)就近集中举办" in text
    assert "国培远程培训平台" in parsed.report.samples["site_navigation"]


def compilation(issuer_line: bool, filler: str = "") -> str:
    notices = []
    for number, subject in enumerate(["语文", "数学", "英语"], start=1):
        head = ["某省教育厅", "关于"] if issuer_line else ["某省教育厅关于"]
        title = f"做好2031年第{number}期乡村{subject}教师专项培训工作的通知"
        notices.append(
            "\n".join(
                [
                    *head[:-1],
                    head[-1] + title,
                    f"某教〔2031〕{100 + number}号",
                    "各市、县(区)教育局:",
                    "一、培训安排",
                    f"第{number}期{subject}教师专项培训集中研修{number + 3}天。{filler}",
                    "二、材料报送",
                    f"请各市于2031年{number + 4}月10日前将第{number}期参训名单报送省项目办。",
                    "某省教育厅",
                    f"2031年3月{number}日",
                    "",
                ]
            )
        )
    return "\n".join(notices)


@pytest.mark.parametrize("issuer_line", [False, True])
@pytest.mark.parametrize("filler", ["", "各地要高度重视,精心组织,确保培训质量。" * 12])
def test_a_compilation_splits_into_one_notice_each(issuer_line: bool, filler: str) -> None:
    parsed = parse_notice_text(compilation(issuer_line, filler), "huibian.txt")
    documents = parsed.documents
    assert [d.doc_number for d in documents] == [f"某教〔2031〕{n}号" for n in (101, 102, 103)]
    assert [d.date for d in documents] == ["2031-03-01", "2031-03-02", "2031-03-03"]
    for document, subject in zip(documents, ["语文", "数学", "英语"], strict=True):
        assert document.title.startswith("某省教育厅关于做好2031年")
        assert document.title.endswith(f"乡村{subject}教师专项培训工作的通知")
        assert document.issuer == "某省教育厅"
    text, title, number, label = cited(parsed, "英语教师专项培训集中研修")
    assert "第3期英语教师专项培训集中研修6天" in text
    assert (title, number, label) == (
        "某省教育厅关于做好2031年第3期乡村英语教师专项培训工作的通知",
        "某教〔2031〕103号",
        "条款 一、",
    )
    assert "site_navigation" not in parsed.report.removed


URL_NOTICE = "\n".join(
    [
        "某省教育厅关于做好2031年国培计划网络研修报名工作的通知",
        "某教〔2031〕61号",
        "各市教育局:",
        "一、报名方式",
        "参训教师请登录中国教师研修网(www.teacherclub.com.cn)注册报名,"
        "报名网址为http://www.gpjh.cn/baoming,咨询邮箱gpjh@moe.edu.cn。",
        "二、技术支持",
        "平台技术支持电话010-12345678。更多精彩内容请访问www.jingcai-tuijian.com",
        "三、材料报送",
        "请各市于2031年5月1日前报送参训名单。www.6zzu.net",
        "北京赛车开奖直播 官方网站www.bjpk10zb.com",
        "某省教育厅",
        "2031年4月1日",
    ]
)


def test_an_address_the_notice_gives_is_quoted_and_planted_ones_go() -> None:
    parsed = parse_notice_text(URL_NOTICE, "url.txt")
    text, title, number, label = cited(parsed, "注册报名")
    assert text.endswith(
        "参训教师请登录中国教师研修网(www.teacherclub.com.cn)注册报名,"
        "报名网址为http://www.gpjh.cn/baoming,咨询邮箱gpjh@moe.edu.cn。"
    )
    assert (number, label) == ("某教〔2031〕61号", "条款 一、")
    everything = "\n".join(p.text for p in parsed.passages)
    for planted in ("jingcai", "6zzu", "bjpk10zb"):
        assert planted not in everything
    removed = parsed.report.samples["planted_url"]
    assert "www.6zzu.net" in removed and "www.jingcai-tuijian.com" in removed
    assert not any("teacherclub" in sample or "gpjh" in sample for sample in removed)


QUOTA_LINES = [
    "某省教育厅关于分配2031年国培计划参训名额的通知",
    "某教〔2031〕41号",
    "各市、县(区)教育局:",
    "一、名额分配",
    "各市参训名额如下,请按名额选派参训教师。",
    "甲市 30人",
    "乙市 25人",
    "丙市 18人",
    "二、材料报送",
    "请各市于2031年8月1日前报送参训名单。",
    "某省教育厅",
    "2031年7月1日",
]


def test_list_lines_after_a_clause_belong_to_that_clause() -> None:
    parsed = parse_notice_text("\n".join(QUOTA_LINES), "mingE.txt")
    text, _, number, label = cited(parsed, "乙市")
    assert (
        text
        == "一、名额分配\n各市参训名额如下,请按名额选派参训教师。\n甲市30人\n乙市25人\n丙市18人"
    )
    assert (number, label) == ("某教〔2031〕41号", "条款 一、")
    text, *_, label = cited(parsed, "报送参训名单")
    assert (text, label) == ("二、材料报送\n请各市于2031年8月1日前报送参训名单。", "条款 二、")


def test_html_table_cells_are_kept_apart_under_their_clause(tmp_path: Path) -> None:
    rows = [("序号", "地市", "名额"), ("1", "甲市", "30"), ("2", "乙市", "25")]
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    paragraphs = [f"<p>{line}</p>" for line in QUOTA_LINES]
    paragraphs[5:8] = [f"<table>{table}</table>"]
    page = tmp_path / "quota.html"
    page.write_text(f"<html><body>{''.join(paragraphs)}</body></html>", encoding="utf-8")
    text, *_, label = cited(parse_notice_file(page), "乙市")
    assert text.endswith("选派参训教师。\n序号 | 地市 | 名额\n1 | 甲市 | 30\n2 | 乙市 | 25")
    assert label == "条款 一、"


MARKDOWN = """# 某省教育厅关于开展2031年骨干教师送教下乡活动的通知

某教〔2031〕5号

各市、县(区)教育局:

## 一、研修要求

送教团队每学期开展不少于**四次**示范课活动,请登录[国培平台](http://gp.example.org)提交记录。

| 项目 | 学时 |
|---|---|
| 线上 | 60 |
| 线下 | 40 |

## 二、材料报送

- 请各市于2031年6月30日前将研修总结报送省项目办。

某省教育厅

2031年3月1日
"""


def test_markdown_syntax_is_read_not_quoted(tmp_path: Path) -> None:
    path = tmp_path / "sj.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    parsed = parse_notice_file(path)
    text, title, number, label = cited(parsed, "送教团队")
    assert title == "某省教育厅关于开展2031年骨干教师送教下乡活动的通知"
    assert (number, label) == ("某教〔2031〕5号", "条款 一、")
    assert text == (
        "一、研修要求\n送教团队每学期开展不少于四次示范课活动,"
        "请登录国培平台(http://gp.example.org)提交记录。\n项目 | 学时\n线上 | 60\n线下 | 40"
    )
    text, *_, label = cited(parsed, "研修总结")
    assert (text, label) == (
        "二、材料报送\n请各市于2031年6月30日前将研修总结报送省项目办。",
        "条款 二、",
    )
    assert not any(mark in p.text for p in parsed.passages for mark in ("#", "**", "]("))


@pytest.mark.parametrize(
    "menu",
    [
        "<div class='nav'>首页 | 新闻 | 通知公告</div>",
        "<ul><li><a href='/'>首页</a></li><li><a>机构设置</a></li><li><a>通知公告</a></li></ul>",
        "<nav><a>首页</a><a>政务公开</a></nav><div>通知公告</div>",
    ],
)
def test_a_site_menu_is_not_glued_onto_the_title(tmp_path: Path, menu: str) -> None:
    lines = ISSUER_TWICE.split("\n")
    lines[0:2] = ["某省教育厅关于做好2031年乡村教师访名校研修工作的通知"]
    page = tmp_path / "yx.html"
    body = "".join(f"<p>{line}</p>" for line in lines)
    page.write_text(f"<html><body>{menu}{body}</body></html>", encoding="utf-8")
    parsed = parse_notice_file(page)
    assert parsed.documents[0].title == "某省教育厅关于做好2031年乡村教师访名校研修工作的通知"
    assert not any("首页" in p.text for p in parsed.passages)


def test_a_menu_written_as_plain_text_is_removed_and_reported() -> None:
    raw = "首页 | 新闻 | 通知公告\n" + ISSUER_TWICE
    parsed = parse_notice_text(raw, "menu.txt")
    assert parsed.documents[0].title == "某省教育厅关于做好2031年乡村教师访名校研修工作的通知"
    assert parsed.report.samples["site_navigation"] == ["首页 | 新闻 | 通知公告"]


NOT_NOTICES = {
    "login": (
        "<div>用户登录</div><p>您访问的内容需要登录后才能查看全文,请先登录或注册本站会员账号。"
        "如果忘记密码,请点击找回密码,或拨打客服电话咨询,工作时间为每周一至周五上午九点到下午五点。</p>",
        "登录页面",
    ),
    "404": (
        "<h1>404 页面不存在</h1><p>抱歉,您访问的页面不存在或已被删除,可能是网址输入错误,也可能"
        "是页面已经过期下线。请检查网址后重新访问,或者返回网站首页继续浏览其他栏目的内容。</p>",
        "404",
    ),
    "captcha": (
        "<p>访问验证</p><p>系统检测到您的访问行为异常,为了保障网站的正常运行,请完成下方的安全"
        "验证后继续访问。如果您频繁看到此页面,请检查网络环境是否存在代理或者爬虫程序。</p>",
        "验证",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_NOTICES))
def test_login_404_and_captcha_pages_are_refused_in_chinese(tmp_path: Path, name: str) -> None:
    html, kind = NOT_NOTICES[name]
    page = tmp_path / f"{name}.html"
    page.write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        parse_notice_file(page)
    reason = raised.value.reason
    assert reason.startswith("这不像一份通知") and kind in reason
    assert "没有找到文号、主送单位、条款编号、落款日期" in reason


def test_a_login_page_upload_adds_nothing(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "cache", tmp_path / "notices")
    before = kb.stats()
    page = tmp_path / "login.html"
    page.write_text(f"<html><body>{NOT_NOTICES['login'][0]}</body></html>", encoding="utf-8")
    (report,) = kb.ingest([page], skip_bad=True)
    assert report.error.startswith("这不像一份通知")
    assert kb.stats() == before
    assert not kb.ask("忘记密码怎么办").answered


def test_a_docx_table_stays_under_its_clause_with_its_cells_apart(tmp_path: Path) -> None:
    document = docx.Document()
    for line in QUOTA_LINES[:5]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    rows = [("地市", "名额"), ("甲市", "30人"), ("乙市", "25人")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    for line in QUOTA_LINES[8:]:
        document.add_paragraph(line)
    document.save(tmp_path / "quota.docx")
    text, *_, label = cited(parse_notice_file(tmp_path / "quota.docx"), "乙市")
    assert text.endswith("选派参训教师。\n地市 | 名额\n甲市 | 30人\n乙市 | 25人")
    assert label == "条款 一、"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_text_file_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notepad.txt"
    path.write_bytes("\n".join(QUOTA_LINES).encode(encoding))
    text, title, number, _ = cited(parse_notice_file(path), "报送参训名单")
    assert "请各市于2031年8月1日前报送参训名单。" in text
    assert (title, number) == (QUOTA_LINES[0], "某教〔2031〕41号")


HEADER = "title: 某市教育局关于2031年新任教师入职培训的通知\ndate: {date}\n---\n"


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        HEADER.replace("title:", "Title:").replace("date:", "DATE:"),
        "\n\n" + HEADER,
        HEADER.replace("title: ", "title:"),
    ],
)
@pytest.mark.parametrize("written", ["2031-02-15", "2031/02/15", "2031年2月15日", "2031.2.15"])
def test_header_block_variants_are_read_and_dates_cited_alike(header: str, written: str) -> None:
    raw = header.format(date=written) + "\n".join(QUOTA_LINES[2:10])
    document = parse_notice_text(raw, "header.txt").documents[0]
    assert document.title == "某市教育局关于2031年新任教师入职培训的通知"
    assert document.date == "2031-02-15"


def test_a_header_date_that_is_no_date_is_refused() -> None:
    raw = HEADER.format(date="2031-13-45") + "\n".join(QUOTA_LINES[2:10])
    with pytest.raises(IngestError) as raised:
        parse_notice_text(raw, "header.txt")
    assert "date: 2031-13-45 不是有效日期" in raised.value.reason


@pytest.mark.parametrize(("written", "cited_as"), [("2009", "2009"), ("2031年2月", "2031-02")])
def test_a_header_year_or_month_alone_is_kept(written: str, cited_as: str) -> None:
    raw = HEADER.format(date=written) + "\n".join(QUOTA_LINES[2:10])
    assert parse_notice_text(raw, "header.txt").documents[0].date == cited_as


def test_a_web_address_keeps_the_space_that_ends_it() -> None:
    """Telegram links an address up to the first space: 「…id=1,2完成」 would open a wrong page."""
    notice = (
        "关于2031年研修平台使用的通知\n某教〔2031〕9号\n各学校：\n一、平台登录\n"
        "请登录研修平台 http://www.gpjh-test.cn/login?id=1,2 完成网络研修，不少于20学时。\n"
        "二、材料报送\n请于2031年6月30日前报送研修总结。\n"
    )
    passages = parse_notice_text(notice, "a.txt").passages
    (login,) = [p.text for p in passages if "平台登录" in p.text]
    assert "http://www.gpjh-test.cn/login?id=1,2 完成网络研修" in login
