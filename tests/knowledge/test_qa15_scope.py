"""QA15 on whom a clause binds (knowledge/scope.py): a province's own notice is scoped to that
province (M1); a clause binding one class or region the question does not name gives way to a
general clause close behind it, and is never a sure answer (M2); the note sends a reader in no
class to their own class's or province's notice, not to a 班主任 they do not have (L9); a kind
of class (「高级研修班」) is not the class's name (L10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_knowledge import register
from knowledge import KnowledgeBase
from knowledge.models import Hit
from knowledge.scope import REGION, notice_scope, prefer_general, scope_note

YUNNAN = "云南省教育厅关于做好2026年“国培计划”项目实施工作的通知"
GANSU_CLASS = (
    "甘肃省教育厅关于举办“国培计划(2026)”甘肃省乡村小学语文骨干教师高级研修班的通知"
)
BILINGUAL = "中小学少数民族双语教师普通话培训班"
GENERAL = "教育部、财政部关于实施全国中小学教师培训计划的通知"
# The QA15 tester's uploads, as /tmp/qa15/up/ held them.
UPLOADS = {
    "yunnan-prov.txt": f"""title: {YUNNAN}
doc_number: 云教师〔2026〕3号
issuer: 云南省教育厅
date: 2026-11-20
---
各州(市)教育体育局:
一、参训学员每年脱产学习时间不少于30天,网络研修不少于60学时。
二、参训教师的往返交通费由参训教师所在学校按规定报销,培训期间住宿费由项目承办单位承担。
三、各州(市)于2027年1月10日前报送2026年项目总结。
""",
    "gansu-class.txt": f"""{GANSU_CLASS.removesuffix("的通知")}的通知
甘教师〔2026〕15号
各市(州)教育局:
根据教育部有关要求,经研究,决定举办“国培计划(2026)”甘肃省乡村小学语文骨干教师高级研修班。
一、培训对象
全省乡村小学语文骨干教师100名,年龄不超过50周岁,具有中级及以上职称。
二、培训时间和地点
2026年12月20日至2027年1月5日,共15天,在西北师范大学集中培训。请参训学员于2026年12月19日报到。
三、培训经费
培训期间食宿由承办单位统一安排,住宿费用由承办单位承担,往返交通费回原单位报销。
甘肃省教育厅
2026年12月1日
""",
}
YUNNAN_NOTE = (
    "⚠️ 这一条出自云南省教育厅的通知，只适用于云南省，不是国培计划的通用规定；"
    "具体要求请以您所在省份的通知为准。"
)


@pytest.fixture(scope="module")
def notices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notices folder holding the tester's two uploads."""
    folder = tmp_path_factory.mktemp("qa15-notices")
    for name, text in UPLOADS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qa15-cache")


@pytest.fixture(scope="module")
def uploaded(cache: Path, notices: Path) -> KnowledgeBase:
    """The shipped notices and the two uploads."""
    return KnowledgeBase.open(cache, notices)


def hit(title: str, score: float, matched: tuple[str, ...] = ("培训费",)) -> Hit:
    return Hit("条款", score, title, "", "", "", "一、", title, 0, matched)


# ----- M1: a province's own notice ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "region", "issuer"),
    [
        (YUNNAN, "云南省", "云南省教育厅"),
        (
            "云南省教育厅 云南省财政厅关于下达国培计划资金的通知",
            "云南省",
            "云南省教育厅、云南省财政厅",
        ),
        (
            "广西壮族自治区教育厅关于加强国培计划培训班管理的通知",
            "广西壮族自治区",
            "广西壮族自治区教育厅",
        ),
        (
            "新疆生产建设兵团教育局关于做好国培计划工作的通知",
            "新疆生产建设兵团",
            "新疆生产建设兵团教育局",
        ),
        ("昆明市教育体育局关于做好国培计划项目实施工作的通知", "昆明市", "昆明市教育体育局"),
        ("云南省2026年国培计划项目实施方案", "云南省", ""),
    ],
)
def test_a_region_s_own_notice_binds_that_region(title: str, region: str, issuer: str) -> None:
    scope = notice_scope(title)
    assert scope is not None
    assert (scope.kind, scope.applies_to, scope.issuer) == (REGION, region, issuer)


def test_a_class_of_a_province_stays_a_class_and_national_notices_stay_general() -> None:
    scope = notice_scope(GANSU_CLASS)
    assert scope is not None and scope.kind == "培训班"
    for title in (
        GENERAL,
        "教育部办公厅 财政部办公厅关于做好2019年中小学幼儿园教师国家级培训计划组织实施工作的通知",
        '中央财政下达19.85亿元支持地方实施"国培计划"',
        "教育部办公厅关于加强“国培计划”参训学员结业管理的通知",
    ):
        assert notice_scope(title) is None, title


def test_the_region_note_names_the_province_and_the_one_asked_of() -> None:
    assert scope_note(YUNNAN, "网络研修要多少学时") == YUNNAN_NOTE
    assert scope_note(YUNNAN, "甘肃国培网络研修多少学时") == (
        "⚠️ 这一条出自云南省教育厅的通知，只适用于云南省，不适用于甘肃省；"
        "具体要求请以甘肃省的通知为准。"
    )
    assert scope_note(YUNNAN, "网络研修要多少学时", in_class=True) == (
        "⚠️ 这一条出自云南省教育厅的通知，只适用于云南省，不是国培计划的通用规定；"
        "具体要求请问班主任。"
    )
    assert scope_note(YUNNAN, "甘肃网络研修多少学时", short=True) == (
        "⚠️ 只适用于云南省，不适用于甘肃省"
    )
    for question in ("云南国培网络研修多少学时", "云南省的学员网络研修多少学时"):
        assert scope_note(YUNNAN, question) is None, question
    assert scope_note(YUNNAN, "云教师〔2026〕3号说网络研修多少学时", "云教师〔2026〕3号") is None


def test_a_province_s_clause_is_no_sure_answer_to_anyone_else(uploaded: KnowledgeBase) -> None:
    answer = uploaded.ask("网络研修要多少学时", k=5)
    assert answer.answered
    top = answer.hits[0]
    if top.title == YUNNAN:
        assert not answer.confident
        assert scope_note(top.title, answer.question, top.doc_number) == YUNNAN_NOTE
    other = uploaded.ask("甘肃国培网络研修多少学时", k=5)
    assert not (other.hits[0].title == YUNNAN and other.confident)


# ----- M2: a scoped clause does not stand as a sure answer over a general one -----------------


def test_a_general_clause_close_behind_comes_first_and_unsure() -> None:
    hits = [hit(BILINGUAL, 10.0), hit(GENERAL, 7.5), hit(GENERAL + "2", 7.0)]
    reordered, confident = prefer_general("国培是免费的吗", hits, True)
    assert [h.title for h in reordered] == [GENERAL, BILINGUAL, GENERAL + "2"]
    assert confident is False


def test_a_scoped_clause_far_ahead_stays_first_but_unsure() -> None:
    hits = [hit(BILINGUAL, 10.0), hit(GENERAL, 5.0), hit(GENERAL, 4.0)]
    assert prefer_general("国培是免费的吗", hits, True) == (hits, False)
    # Only the next two hits are looked at.
    far = [hit(BILINGUAL, 10.0), hit(YUNNAN, 9.5), hit(YUNNAN, 9.0), hit(GENERAL, 9.0)]
    assert prefer_general("国培是免费的吗", far, True) == (far, False)


def test_nothing_changes_when_the_top_clause_binds_the_asker() -> None:
    general = [hit(GENERAL, 10.0), hit(BILINGUAL, 9.9)]
    assert prefer_general("国培是免费的吗", general, True) == (general, True)
    named = [hit(BILINGUAL, 10.0), hit(GENERAL, 9.0)]
    assert prefer_general("双语培训班收培训费吗", named, True) == (named, True)
    region = [hit(YUNNAN, 10.0), hit(GENERAL, 9.0)]
    assert prefer_general("云南的国培住宿费谁出", region, True) == (region, True)
    # A region's clause gives way as a class's does.
    reordered, _ = prefer_general("住宿费谁出", [hit(YUNNAN, 10.0), hit(GENERAL, 7.0)], True)
    assert reordered[0].title == GENERAL
    assert prefer_general("住宿费谁出", [], False) == ([], False)


def test_a_general_clause_sharing_no_matched_word_does_not_come_first() -> None:
    """QA16 M5: 「精心挑选合格的学员」 (参加, 国家培训计划) is no answer to 「有年龄限制吗」
    over the one clause stating 45周岁, however close its score."""
    hits = [hit(BILINGUAL, 2.91, ("年龄", "周岁")), hit(GENERAL, 2.74, ("参加", "国家培训计划"))]
    assert prefer_general("参加国培有年龄限制吗", hits, True) == (hits, False)


def test_another_province_s_clauses_come_after_the_rest() -> None:
    """QA16 M6: 「甘肃国培…」 does not open on what 云南省教育厅 requires of 云南."""
    hits = [hit(YUNNAN, 10.0), hit(GENERAL, 4.0), hit(GANSU_CLASS, 3.0)]
    reordered, confident = prefer_general("甘肃国培网络研修多少学时", hits, True)
    assert [h.title for h in reordered] == [GENERAL, GANSU_CLASS, YUNNAN]
    assert reordered[0].title == GENERAL and confident is True
    # Naming 云南 keeps its notice first; naming no province leaves the order to the scope step.
    assert prefer_general("云南国培网络研修多少学时", hits, True)[0] == hits


@pytest.mark.parametrize("question", ["国培的培训费要自己出吗", "国培是免费的吗"])
def test_the_class_s_fee_clause_is_no_sure_answer(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, k=5)
    assert answer.answered
    top = answer.hits[0]
    assert top.title != BILINGUAL or not answer.confident
    assert any(scope_note(h.title, question) is None for h in answer.hits[:3])


def test_another_class_s_lodging_clause_is_no_sure_answer(uploaded: KnowledgeBase) -> None:
    answer = uploaded.ask("参加国培培训住宿费谁出", k=5)
    assert answer.answered
    top = answer.hits[0]
    scoped = scope_note(top.title, answer.question, top.doc_number) is not None
    assert not (scoped and answer.confident)


# ----- L10: a kind of class is not the class's name ------------------------------------------


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("高级研修班多大年龄能参加", False),
        ("骨干教师研修班有年龄限制吗", False),
        ("乡村教师培训班年龄要求", False),
        ("国培研修班要交住宿费吗", False),
        ("甘肃高级研修班多大年龄能参加", True),
        ("语文骨干教师研修班年龄要求", True),
        ("甘肃省语文研修班什么时候报到", True),
    ],
)
def test_a_kind_of_class_is_not_its_name(question: str, named: bool) -> None:
    scope = notice_scope(GANSU_CLASS)
    assert scope is not None and scope.named_in(question) is named


@pytest.fixture
def app(cache: Path, notices: Path, uploaded: KnowledgeBase) -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test app."""

    register(application, lambda: (cache, notices))
    return application


def test_ask_json_scope_of_a_class_kind_and_of_a_province(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["ask", "--json", "-k", "3", "高级研修班多大年龄能参加", "网络研修要多少学时"]
    )
    assert result.exit_code == 0, result.output
    kind, province = (json.loads(line) for line in result.stdout.splitlines())
    scopes = {hit["title"]: hit["scope"] for hit in kind["hits"]}
    assert scopes[GANSU_CLASS]["named_in_question"] is False
    assert "只适用于这个研修班" in scopes[GANSU_CLASS]["note"]
    (yunnan,) = [hit["scope"] for hit in province["hits"] if hit["title"] == YUNNAN]
    assert yunnan == {
        "kind": REGION,
        "name": "云南省",
        "applies_to": "云南省",
        "named_in_question": False,
        "note": YUNNAN_NOTE,
    }
