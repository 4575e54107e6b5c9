"""Answer quality: at or above 90 % over tests/data/questions.yaml and the held-out sets the
ranking was developed with, no sealed set below its blind first run, and every out-of-scope
question declined but for the known failures named here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from knowledge import KnowledgeBase

BENCH = Path(__file__).resolve().parents[2] / "bench" / "knowledge_quality.py"
# Out-of-scope questions the knowledge base is known to answer, each found by a blind set's first
# run and left failing rather than fixed by a rule fitted to it (see knowledge/README.md).
# (Since the nineteenth session, a trainee's own affairs (pay, leave, 报到, insurance, travel
# money, changing class, a certificate, a phone number) and a score, day or deposit no clause
# states are declined: the thirty-seven such questions once listed here are left out, so that
# the test guards them.)
KNOWN_ANSWERED_OUT_OF_SCOPE = {
    "国培结束后能去旅游吗",
    "幼儿园招生年龄有啥规定",
    # questions_holdout8.yaml: near the notices' topics, with a detail no notice gives.
    "国培结束后多久能查到自己的学分",
    # questions_holdout9.yaml, likewise.
    "幼儿园园长去国培能不能带上副园长一起",
    # questions_holdout10.yaml, likewise.
    "俺去参加国培，学校请代课老师的钱谁出",
    "国培结业考核不合格要不要重新参训",
    # questions_holdout11.yaml, likewise.
    "国培考核不合格的还要重新参训吗",
    # questions_holdout13.yaml, likewise, all answered as unsure: its writer asked for figures
    # the notices leave to attachments or to the provinces (名额, 管理费, 学分, 补贴).
    "提升工程2.0的学时在哪个平台上申报认定",
    "网络研修工作坊的坊主有没有额外补贴",
    # questions_holdout14.yaml, likewise, all answered as unsure.
    "国培集中研修期间每天都要交研修日志吗",
    "国培班主任要具备什么条件才能上岗",
    "国培承担机构的评审结果在哪里公示",
    "国培学员的学时证明在哪打印",
    "国培项目的投标文件要交几份纸质版",
    "教师资格证定期注册要交哪些材料",
    # questions_holdout15.yaml (run once in the eighth session), likewise.
    "提升工程2.0的校本研修考核不合格要不要重修",
    "普通话培训班用的教材是哪个出版社出的",
    "2019年国培示范项目下面具体有哪些子项目",
    # questions_holdout16.yaml (run once in the ninth session), likewise.
    "网络研修的学时没修满 还能不能补学",
    # questions_holdout17.yaml (run once in the tenth session), likewise.
    "提升工程2.0的微能力点考核要交哪些材料",
    # questions_holdout18.yaml (run once in the tenth session), likewise.
    "云南2015年送教下乡项目每年送教几次 每次几天",
    "国培计划2021到2025年那个通知里五年一共要培训多少乡村教师",
    # questions_holdout19.yaml (run once in the eleventh session), likewise.
    "示范性集中培训项目的参训学员要满足哪些条件",
    "2018年国培示范性项目具体有哪几个子项目",
    "强师计划里的优师计划每年招多少师范生",
    # questions_holdout20.yaml (run once in the eleventh session), likewise.
    "提升工程2.0的能力测评不合格要重新培训吗",
    "示范性远程培训每个学员要完成多少学时才能结业",
    # questions_holdout23.yaml (run once in the thirteenth session), unsure: sights near the
    # training base.
    "周末培训基地附近有啥好玩的地方",
    # questions_holdout24.yaml (run once at the end of the thirteenth session's ranking work),
    # unsure: a 育儿嫂 course shares 培训班 and 报名 with the notices.
    "育儿嫂培训班在哪报名",
    # questions_holdout25.yaml (run once in the thirteenth session), unsure: the 普通话 test
    # (not the training) shares 普通话 and 报名 with the notices.
    "普通话等级考试在哪报名",
    # questions_holdout26.yaml (run once in the fourteenth session), unsure: how often 送教下乡
    # visits a school, which the 2015 Yunnan tender's 送教下乡 clause leaves open.
    "送教下乡一学期要去学校几趟，每趟听几节课",
    # questions_holdout28.yaml (run once in the fifteenth session), unsure: a 生活补助 shares
    # 乡村教师 with the notices' support of poor areas.
    "乡村教师生活补助每个月能拿多少",
    # questions_holdout29.yaml (run once at the end of the fifteenth session's ranking work),
    # unsure: a 职称 paper count, a substitute's pay per lesson, and a recipe
    # (酸菜鱼) asked of the 培训基地 (a question word the notices use).
    "参加完国培评一级教师职称还要发几篇论文",
    "培训基地食堂那个酸菜鱼怎么做的，想回家学着做",
    "我去置换研修了，学校请的代课老师一节课代课费给多少",
    # questions_holdout30.yaml (run once in the sixteenth session), unsure: a 班级管理费用 sum
    # the 2019 notice does not give.
    "俺当国培班主任，一个班的管理费具体能拿几百块",
    # questions_holdout31.yaml (run once at the end of the sixteenth session's ranking work),
    # unsure: a 普通话 test's registration.
    "普通话水平测试二甲要怎么报名",
    # questions_holdout32.yaml (run once after the seventeenth session's first ranking change),
    # a 特岗教师's eligibility, and which schools 访名校 visits (sure: the
    # 2019 funds news names 访名校 among its items).
    "特岗教师在服务期内能不能报名参加国培",
    "访名校培训一般安排去哪些名校跟岗",
    # questions_holdout33.yaml (run once at the end of the seventeenth session's ranking work),
    # unsure: parking near the 培训基地 (a question word the notices use).
    "培训基地附近有没有地方停车",
    # questions_holdout35.yaml (run once at the end of the eighteenth session's ranking work),
    # unsure: a tax deduction for 继续教育 and downloading class materials after the training.
    "个税继续教育专项附加扣除怎么填",
    "培训结束以后 班级里的学习资料还能下载吗",
    # questions_holdout38.yaml (run once at the end of the nineteenth session's second round),
    # unsure: homework limits after 双减.
    "双减以后小学三年级每天的书面作业不能超过多长时间",
    "2019年国培材料要报送到项目办 项目办的联系电话是多少",
}
# Of those, answered as sure (the bench judged them all unsure until the tenth session, when
# its out-of-scope outcomes began to carry the answer's confidence): they ask a detail (a
# publisher, a quota, where results are posted) of a topic one clause
# covers in most of its words.
KNOWN_SURE_OUT_OF_SCOPE = {
    "国培承担机构的评审结果在哪里公示",
    "教师资格证定期注册要交哪些材料",
    "普通话培训班用的教材是哪个出版社出的",
    "国培计划2021到2025年那个通知里五年一共要培训多少乡村教师",
    "访名校培训一般安排去哪些名校跟岗",
    "2019年国培材料要报送到项目办 项目办的联系电话是多少",
}
# (「多少个微能力点」 and the other counts of things were sure until the thirteenth session: a
# count is now a figure the top clause must state, see ranking.COUNT.)


def load_quality_module():
    spec = importlib.util.spec_from_file_location("knowledge_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_question_set_covers_every_kind_and_notice(kb: KnowledgeBase) -> None:
    quality = load_quality_module()
    questions = quality.load_questions()
    kinds = {item["kind"] for item in questions}
    assert len(questions) >= 120
    assert {
        "direct",
        "paraphrase",
        "colloquial",
        "typo",
        "traditional",
        "homophone",
        "pinyin",
        "metadata",
        "out_of_scope",
    } <= kinds
    assert sum(1 for item in questions if item["kind"] == "out_of_scope") >= 20


def test_held_out_sets_are_separate_and_large_enough(kb: KnowledgeBase) -> None:
    quality = load_quality_module()
    first = quality.load_questions(quality.HOLDOUT)
    assert len(first) >= 40
    assert sum(1 for item in first if item["kind"] == "out_of_scope") >= 8
    seen = {item["q"] for item in quality.load_questions()}
    for path in (
        quality.HOLDOUT,
        quality.HOLDOUT2,
        quality.HOLDOUT3,
        quality.HOLDOUT4,
        quality.HOLDOUT5,
        quality.HOLDOUT6,
        quality.HOLDOUT7,
        quality.HOLDOUT8,
        quality.HOLDOUT9,
        quality.HOLDOUT10,
        quality.HOLDOUT11,
        quality.HOLDOUT12,
        quality.HOLDOUT13,
        quality.HOLDOUT14,
        quality.HOLDOUT15,
        quality.HOLDOUT16,
        quality.HOLDOUT17,
        quality.HOLDOUT18,
        quality.HOLDOUT19,
        quality.HOLDOUT20,
        quality.HOLDOUT21,
        quality.HOLDOUT22,
        quality.HOLDOUT23,
        quality.HOLDOUT24,
        quality.HOLDOUT25,
        quality.HOLDOUT26,
        quality.HOLDOUT27,
        quality.HOLDOUT28,
        quality.HOLDOUT29,
        quality.HOLDOUT30,
        quality.HOLDOUT31,
        quality.HOLDOUT32,
        quality.HOLDOUT33,
        quality.HOLDOUT34,
        quality.HOLDOUT35,
        quality.HOLDOUT36,
        quality.HOLDOUT37,
        quality.HOLDOUT38,
    ):
        held_out = quality.load_questions(path)
        questions = {item["q"] for item in held_out}
        assert not seen & questions, path.name
        seen |= questions
        for item in held_out:
            assert ("expect" in item) != (item.get("answered", True) is False), item


def test_accuracy_at_least_90_percent(kb: KnowledgeBase) -> None:
    """Over the sets the ranking was developed with (main and held-out 1–6)."""
    quality = load_quality_module()
    questions = [item for path in quality.DEVELOPMENT for item in quality.load_questions(path)]
    outcomes = quality.evaluate(kb, questions)
    table = quality.accuracy_by_kind(outcomes)
    passed, total = table["overall"]
    failures = [f"{o.question}: {o.detail}" for o in outcomes if not o.passed]
    assert passed / total >= 0.90, "\n".join(failures)


def test_sealed_sets_stay_at_or_above_their_blind_run(kb: KnowledgeBase) -> None:
    quality = load_quality_module()
    for path, first_run in quality.SEALED_FIRST_RUN.items():
        outcomes = quality.evaluate(kb, quality.load_questions(path))
        passed, total = quality.accuracy_by_kind(outcomes)["overall"]
        assert passed / total >= first_run, path.name


def test_out_of_scope_questions_are_declined(kb: KnowledgeBase) -> None:
    quality = load_quality_module()
    outcomes = quality.evaluate(kb, quality.load_set("all"))
    answered = [o for o in outcomes if o.kind == "out_of_scope" and not o.passed]
    assert {o.question for o in answered} <= KNOWN_ANSWERED_OUT_OF_SCOPE, answered
    # Those the bot still answers, it answers as unsure (「没有十足把握」), but for the known ones.
    assert {o.question for o in answered if o.confident} <= KNOWN_SURE_OUT_OF_SCOPE


def test_a_date_is_judged_right_in_any_form() -> None:
    quality = load_quality_module()
    assert "2013年10月25日" in quality.date_forms("2013-10-25")
    assert "2019-05-13" in quality.date_forms("2019年5月13日")
    assert "2022年4月8日" in quality.date_forms("2022.04.08")
    assert quality.date_forms("三年以上") == ["三年以上"]
