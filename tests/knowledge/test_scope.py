"""Notices about one class or event (knowledge/scope.py): every shipped notice decided, the
rule on titles an upload may have, when a question names the class itself, and the note and
the `scope` field `ask` shows (QA12 M3: 「参加国培有年龄限制吗」 was answered with the 2011
双语教师普通话培训班's 「不超过45周岁」 as if it held for everyone)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_knowledge import register
from knowledge import KnowledgeBase
from knowledge.models import BLURB_TITLE, Document
from knowledge.scope import document_scope, notice_scope, scope_note

BILINGUAL = "中小学少数民族双语教师普通话培训班"
YUNNAN_TENDER = "“国培计划(2015)”云南省项目招(邀)标公告"
# Every shipped notice and whom its clauses bind: None for 国培计划 as a whole, else the kind.
SHIPPED = {
    "教育部办公厅 财政部办公厅关于做好2019年中小学幼儿园教师国家级培训计划"
    "组织实施工作的通知": None,
    "教育部、财政部关于实施全国中小学教师培训计划的通知": None,
    BILINGUAL: "培训班",
    "教育部关于实施国家中小学教师信息技术应用能力提升工程的意见": None,
    "教育部关于印发《2009年中小学教师国家级培训计划》的通知(节选)": None,
    "教育部办公厅 财政部办公厅关于印发《“国培计划”示范性集中培训项目管理办法》"
    "等三个文件的通知": None,
    YUNNAN_TENDER: "招标",
    "教育部关于大力推行中小学教师培训学分管理的指导意见": None,
    "教育部办公厅 财政部办公厅关于做好2018年中小学幼儿园教师国家级培训计划"
    "组织实施工作的通知": None,
    "教育部关于实施全国中小学教师信息技术应用能力提升工程2.0的意见": None,
    '中央财政下达19.85亿元支持地方实施"国培计划"': None,
    "财政部、教育部关于下达2022年中小学幼儿园教师国家级培训计划资金预算的通知": None,
    "教育部等八部门关于印发《新时代基础教育强师计划》的通知": None,
}


def test_every_shipped_notice_is_decided(kb: KnowledgeBase) -> None:
    notices = [doc for doc in kb.documents() if doc["title"] != BLURB_TITLE]
    # A notice shipped later fails here until it is added to the table, with its decision.
    assert sorted(doc["title"] for doc in notices) == sorted(SHIPPED)
    decided = {}
    for doc in kb.documents():
        scope = document_scope(Document(**doc, text=""))
        decided[doc["title"]] = scope.kind if scope else None
    assert decided == {**SHIPPED, BLURB_TITLE: None}


@pytest.mark.parametrize(
    ("title", "kind", "applies_to"),
    [
        ("教育部办公厅关于举办国培计划(2011)双语教师普通话培训班的通知", "培训班", "这个培训班"),
        ("关于举办2024年国培计划骨干校长高级研修班的通知", "培训班", "这个研修班"),
        ("关于开展2026年乡村教师书法研修营的通知", "培训班", "这个研修营"),
        (
            "关于印发《2020年国培计划骨干教师研修班实施方案》的通知",
            "培训班",
            "这个研修班",
        ),
        ("关于召开2019年“国培计划”工作会议的通知", "会议", "这次会议"),
        ("关于举办全国教师培训者专题研讨会的通知", "会议", "这次研讨会"),
        ("关于做好2020年国培计划项目承担机构遴选工作的通知", "遴选", "这次遴选"),
        ("关于开展国培计划优秀工作坊评选的通知", "遴选", "这次评选"),
        ("國培計劃(2015)雲南省項目招(邀)標公告", "招标", "这次招标的项目"),
        ("关于举办第三届乡村教师教学技能大赛的通知", "比赛", "这次大赛"),
        ("关于举办弘扬教育家精神专题研修班的通知", "培训班", "这个研修班"),
    ],
)
def test_a_title_about_one_class_or_event(title: str, kind: str, applies_to: str) -> None:
    scope = notice_scope(title)
    assert scope is not None and (scope.kind, scope.applies_to) == (kind, applies_to)


@pytest.mark.parametrize(
    "title",
    [
        "关于印发《国培计划培训班管理办法》的通知",  # rules for every class
        "关于印发《国培计划培训班管理办法(试行)》的通知",
        "国培计划培训班遴选办法",
        "关于加强国培计划培训班管理的通知",
        "关于进一步规范国培计划培训班收费的通知",
        "关于贯彻落实全国教育工作会议精神的通知",
        "关于学习贯彻全国教育大会精神的通知",
        "关于印发国培计划工作推进会会议纪要的通知",
        "关于规范国培计划招投标工作的通知",
        "关于成立国培计划专家委员会的通知",  # 委员会 is no meeting
        "关于建立教师培训优质资源遴选机制的意见",
        "",
        BLURB_TITLE,
    ],
)
def test_a_title_about_the_whole_programme(title: str) -> None:
    assert notice_scope(title) is None


@pytest.mark.parametrize(
    "question",
    [
        "参加国培有年龄限制吗",
        "国培学员年龄要求",
        "参训教师年龄有什么要求",
        "參加國培有年齡限制嗎",
        "少数民族教师参加国培有年龄限制吗",  # one word of the name, no class named
        "培训结束后多久报送总结",
        "年龄超过45岁还能报名培训班吗",  # a class, but not this one
        "要问班主任吗",  # 班主任 is no class
    ],
)
def test_a_general_question_gets_the_note(question: str) -> None:
    note = scope_note(BILINGUAL, question)
    # Read by trainees in no class too (QA15 L9): 班主任 only for one in a class.
    assert note == (
        f"⚠️ 这一条出自《{BILINGUAL}》，只适用于这个培训班，不是国培计划的通用规定；"
        "具体要求请以您所在培训班的通知为准。"
    )
    assert scope_note(BILINGUAL, question, in_class=True) == (
        f"⚠️ 这一条出自《{BILINGUAL}》，只适用于这个培训班，不是国培计划的通用规定；"
        "具体要求请问班主任。"
    )


@pytest.mark.parametrize(
    "question",
    [
        "双语教师普通话培训班年龄要求",
        "双语培训班年龄有限制吗",
        "普通话培训班什么时候交总结",
        "少数民族双语教师的年龄要求",
        "雙語教師普通話培訓班年齡",
        "普通话培训经费怎么拨付",  # the class's own words before 培训
        "双语老师培训要多久",
    ],
)
def test_a_question_naming_the_class_gets_no_note(question: str) -> None:
    assert scope_note(BILINGUAL, question) is None


def test_the_tender_and_the_short_note() -> None:
    assert "只适用于这次招标的项目" in (scope_note(YUNNAN_TENDER, "脱产研修多少天") or "")
    assert scope_note(YUNNAN_TENDER, "云南省国培脱产研修多少天") is None
    assert scope_note(BILINGUAL, "年龄限制", short=True) == (
        "⚠️ 只适用于这个培训班，不是国培计划的通用规定"
    )
    general = "教育部关于大力推行中小学教师培训学分管理的指导意见"
    assert scope_note(general, "学分怎么认定") is None
    # A question naming the notice's 文号 names the class.
    number = "测试〔2026〕7号"
    assert scope_note("关于举办书法研修营的通知", f"{number}的年龄要求", number) is None
    long_title = "教育部办公厅关于举办" + "乡村" * 20 + "研修班的通知"
    note = scope_note(long_title, "年龄限制") or ""
    assert "…》，只适用于这个研修班" in note and len(note) < 85


@pytest.fixture
def app(tmp_path: Path, kb_cache_dir: Path) -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test app."""

    register(application, lambda: (kb_cache_dir, tmp_path / "notices"))
    return application


def test_ask_json_gives_each_hit_its_scope(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app,
        [
            "ask", "--json", "-k", "3",
            "参训教师年龄有什么要求", "参加国培有年龄限制吗", "双语教师普通话培训班年龄要求",
        ],
    )
    assert result.exit_code == 0, result.output
    general, close, named = (json.loads(line) for line in result.stdout.splitlines())
    top = general["hits"][0]
    # The contract's fields stay as they were; `scope` is added.
    assert {"text", "score", "title", "doc_number", "date", "source"} <= set(top)
    assert "45周岁" in top["text"]
    assert top["scope"] == {
        "kind": "培训班",
        "name": BILINGUAL,
        "applies_to": "这个培训班",
        "named_in_question": False,
        "note": scope_note(BILINGUAL, "参训教师年龄有什么要求"),
    }
    # A clause that binds one class only is no sure answer to a question not naming it.
    assert general["confident"] is False
    # QA16 M5: the general clause close behind (「精心挑选合格的学员」) says nothing of age, so
    # the class's clause stating 45周岁 stays first, unsure (QA15 M2), with its note.
    kinds = [(hit["scope"] or {}).get("kind") for hit in close["hits"]]
    assert kinds == [SHIPPED[hit["title"]] for hit in close["hits"]]
    assert kinds[:2] == ["培训班", None] and close["confident"] is False
    assert "45周岁" in close["hits"][0]["text"]
    assert named["hits"][0]["title"] == BILINGUAL
    assert named["hits"][0]["scope"]["named_in_question"] is True
    assert named["hits"][0]["scope"]["note"] is None


def test_ask_prints_the_note_before_the_citation(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["ask", "-k", "1", "参训教师年龄有什么要求"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    note = next(n for n, line in enumerate(lines) if "只适用于这个培训班" in line)
    assert lines[note + 1].strip().startswith(f"—— {BILINGUAL}")
    named = CliRunner().invoke(app, ["ask", "-k", "1", "双语教师普通话培训班年龄要求"])
    assert "45周岁" in named.stdout and "只适用于" not in named.stdout


def test_the_rule_imports_no_bot_telegram_or_database() -> None:
    code = (
        "import sys, knowledge.scope;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('telegram', 'aiogram', 'sqlmodel', 'sqlalchemy', 'bot', 'handlers', 'scheduler')];"
        "print(','.join(bad))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert output == ""
