"""A page's breadcrumb is navigation: removed, reported, and never glued onto a title (QA18 F1).

「您现在的位置：首页 > 通知公告」 above the <h1> stayed in the text (only 「当前位置：」 and a run
of two arrows were known) and was read as the title's first words: the notice was listed as
《您现在的位置：首页 > 通知公告某县关于国培送教下乡培训安排的通知》 and the ingest report said
nothing was cleaned. Any location prefix (…位置：, 导航：) with a run of short items joined by
> » → › / (or none: the links on the next line), and a run of items between arrows one of which
is a menu's word (「首页 → 通知公告」), is a navigation line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from knowledge.cleaning import clean_text
from knowledge.ingest import parse_notice_file, parse_notice_text
from knowledge.notices import _find_title

TITLE = "某县关于国培送教下乡培训安排的通知"
BODY = (
    "<p>各乡镇中心学校：</p>\n"
    "<p>根据省厅安排，送教下乡培训分四个阶段进行，每个阶段不少于3天，全年累计不少于12天。</p>\n"
    "<p>请各中心学校于2027年4月10日前将参训教师名单报县教师发展中心。</p>\n"
    "<p>某县教育局 2027年3月20日</p>\n"
)


def page(crumb: str, title: str = TITLE) -> str:
    """The tester's b.html with its breadcrumb replaced."""
    return (
        '<html><head><meta charset="utf-8"><title>首页 - 某县教育局</title></head><body>\n'
        "<nav>首页 政务公开 登录 通知公告 教育动态</nav>\n"
        f"{crumb}\n<h1>{title}</h1>\n{BODY}</body></html>"
    )


B_HTML = page("<p>您现在的位置：首页 &gt; 通知公告</p>")


def parsed_page(tmp_path: Path, html: str):
    path = tmp_path / "b.html"
    path.write_text(html, encoding="utf-8")
    parsed = parse_notice_file(path)
    assert len(parsed.documents) == 1
    return parsed


PREFIXES = [
    "您现在的位置：",
    "您的位置：",
    "现在位置：",
    "所在位置：",
    "当前位置:",
    "您当前所在位置：",
]
SEPARATORS = [" &gt; ", "&gt;", " » ", " → ", " › ", " / ", "＞", "&gt;&gt;"]


@pytest.mark.parametrize("tag", ["p", "div", "span"])
@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_breadcrumb_is_removed_and_reported_not_the_titles_start(
    tmp_path: Path, prefix: str, separator: str, tag: str
) -> None:
    parsed = parsed_page(tmp_path, page(f"<{tag}>{prefix}首页{separator}通知公告</{tag}>"))
    document = parsed.documents[0]
    assert document.title == TITLE
    everything = "\n".join(p.text for p in parsed.passages)
    assert "位置" not in everything and "首页" not in everything
    (sample,) = parsed.report.samples["site_navigation"]
    assert sample.startswith(prefix.rstrip(":：")) and sample.endswith("通知公告")
    assert parsed.report.removed["site_navigation"] == 1


@pytest.mark.parametrize(
    "crumb",
    [
        # links after the prefix, in a division or a paragraph
        '<div>您的位置：<a href="/">首页</a> &gt; <a href="/t">通知公告</a></div>',
        "<div><span>您现在的位置：</span><a>首页</a> › <a>通知公告</a> › <a>正文</a></div>",
        "<p>位置：<a>网站首页</a> &gt; <a>政务公开</a> &gt; <a>通知公告</a></p>",
        # the prefix on a line of its own, the links on the next
        "<p>您现在的位置：</p><p>首页 &gt; 通知公告</p>",
        # no prefix, arrows between a menu's words
        "<p>首页 → 通知公告</p>",
        "<p>网站首页 » 通知公告</p>",
        "<p>导航：首页 / 通知公告</p>",
        "<p>当前栏目：通知公告</p>",
        # the tester's w5.html, w6.html
        "<div>您现在的位置：首页 - 通知公告 - 正文</div>",
        "<div>您当前的位置：首页 &gt; 通知公告</div>",
    ],
    ids=[
        "div-links",
        "span-prefix",
        "bare-prefix-3",
        "prefix-alone",
        "arrow",
        "guillemet",
        "daohang",
        "lanmu",
        "dashes",
        "dangqian-de",
    ],
)
def test_every_common_breadcrumb_form_is_navigation(tmp_path: Path, crumb: str) -> None:
    parsed = parsed_page(tmp_path, page(crumb))
    assert parsed.documents[0].title == TITLE
    everything = "\n".join(p.text for p in parsed.passages)
    assert "位置" not in everything and "通知公告" not in everything
    assert parsed.report.removed["site_navigation"] >= 1


def test_the_testers_page_through_an_upload(tmp_path: Path) -> None:
    """What `guopei-bot ingest b.html` and `guopei-bot notices` show: kb.ingest's report."""
    kb = KnowledgeBase.open(tmp_path / "cache", tmp_path / "notices")
    path = tmp_path / "b.html"
    path.write_text(B_HTML, encoding="utf-8")
    (report,) = kb.ingest([path])
    assert report.ok and report.notices[0]["title"] == TITLE
    assert report.samples["site_navigation"] == ["您现在的位置：首页 > 通知公告"]
    assert TITLE in {d["title"] for d in kb.documents()}
    assert not any("位置" in d["title"] for d in kb.documents())
    answer = kb.ask("送教下乡每个阶段不少于几天")
    assert answer.answered and answer.hits[0].title == TITLE


def test_a_text_notice_under_a_breadcrumb_keeps_its_title() -> None:
    lines = [
        "您现在的位置：首页 > 通知公告",
        TITLE,
        "各乡镇中心学校：",
        "一、送教下乡培训分四个阶段进行，每个阶段不少于3天，全年累计不少于12天。",
        "二、请各中心学校于2027年4月10日前将参训教师名单报县教师发展中心。",
    ]
    parsed = parse_notice_text("\n".join(lines), "notice.txt")
    assert parsed.documents[0].title == TITLE
    assert parsed.report.samples["site_navigation"] == ["您现在的位置：首页 > 通知公告"]


@pytest.mark.parametrize(
    "crumb",
    ["您现在的位置：首页 > 通知公告", "所在位置：首页 / 通知", "您的位置：", "首页 → 通知公告"],
)
def test_a_breadcrumb_is_never_joined_to_a_title(crumb: str) -> None:
    """Even where cleaning left it (a text the title is found in before cleaning)."""
    assert _find_title([crumb, TITLE]) == TITLE


@pytest.mark.parametrize(
    "line",
    [
        "位置：县第一中学报告厅",  # a venue: a bare 「位置：」 with one item
        "报名 → 审核 → 参加培训",  # steps of a procedure, no menu's word among them
        "您现在的位置：请登录平台后在“我的课程”中查看。",  # a sentence
        "培训地点位置：县教师发展中心三楼",
        "2019/2020学年 → 2020/2021学年",
    ],
)
def test_lines_that_are_not_breadcrumbs_stay(line: str) -> None:
    text = f"{TITLE}\n{line}\n一、送教下乡培训分四个阶段进行。"
    result = clean_text(text)
    assert line in result.text or line.replace(" ", "") in result.text.replace(" ", "")
    assert "site_navigation" not in result.removed
