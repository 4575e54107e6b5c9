"""The ranking mechanisms one by one: term-by-term re-scoring, title damping, answer types,
question words without a topic, re-cut segmentation and the domain synonyms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import knowledge.ranking as ranking
from knowledge import KnowledgeBase
from knowledge.analyzer import normalize, rewrite_intents


def test_rescore_equals_bm25_when_nothing_is_damped(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking, "TITLE_TERM_DAMPING", 1.0)
    monkeypatch.setattr(ranking, "CITED_TITLE_DAMPING", 1.0)
    index = kb._state.index
    weighted = [("普通话", 1.0), ("经费", 1.0), ("培训", 0.3)]
    full = index.score([index.vocabulary[t] for t, _ in weighted], [b for _, b in weighted])
    ids = np.arange(index.n_docs)
    np.testing.assert_allclose(kb._ranker._rescore(ids, weighted, False), full, rtol=1e-5)


def test_title_words_weigh_less_inside_their_notice(kb: KnowledgeBase) -> None:
    index = kb._state.index
    passages = kb._state.passages
    passage = next(i for i, p in enumerate(passages) if "三提升一全面" in p.text)
    ids = np.array([passage])
    undamped = index.score([index.vocabulary["2.0"]])[passage]
    assert "2.0" in kb._ranker._titles[kb.passage(passage).doc_id]
    assert kb._ranker._rescore(ids, [("2.0", 1.0)], False)[0] == pytest.approx(
        undamped * ranking.TITLE_TERM_DAMPING, rel=1e-5
    )


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("提升工程2.0对校长有啥要求", "校长"),
        ("tisheng gongcheng 2.0 mubiao", "三提升一全面"),
        ("普通话培训班几月份开始", "2017年7月"),
        ("大学老师下县指导每次待几天", "每次不少于3天"),
    ],
)
def test_the_clause_inside_the_named_notice_wins(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


def test_answer_types_match_figures() -> None:
    found = {
        question: [
            answer.pattern for asked, answer in ranking.ANSWER_TYPES if asked.search(question)
        ]
        for question in ("分几次进行", "要学多少天", "哪一年完成", "普通话培训在哪里")
    }
    assert found["普通话培训在哪里"] == []
    assert all(found[q] for q in ("分几次进行", "要学多少天", "哪一年完成"))
    times = next(a for q, a in ranking.ANSWER_TYPES if q.search("几次"))
    assert times.search("分2次实施") and not times.search("次年")
    share = next(a for q, a in ranking.ANSWER_TYPES if q.search("每年培训多少比例的老师"))
    assert share.search("不少于本地区中小学教师总数的20%") and share.search("三分之一")


def test_question_words_without_a_topic_are_dropped(kb: KnowledgeBase) -> None:
    words = [w.word for w in kb._ranker.query_words(normalize("提升工程由谁来监管评估"))]
    assert "由谁来" not in words and "监管" in words
    assert kb.ask("提升工程由谁来监管评估").answered


def test_neighbouring_unknown_words_are_re_cut(kb: KnowledgeBase) -> None:
    text = normalize("云南的培训团队要打造成什么样")
    assert "打造" in [w.word for w in kb._ranker.query_words(text)]


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("国培班主任有没有补助啊", "班级管理费用"),
        ("培训总结交纸质的还是电子的", "纸制文本和电子版"),
        ("国培请什么样的专家来讲课", "专家"),
    ],
)
def test_domain_synonyms_bridge_colloquial_words(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("评职称看不看信息技术能力", "职务(职称)评定"),
        ("培训完了有没有后续指导", "训后跟踪指导"),
        ("国培能不能送上门来培训", "上门教学"),
        ("国培的课能不能自个儿挑着学", "自主选学"),
        # 提上 (jieba's rare word) is 提 + 上: no topic the notices lack.
        ("国培的质量怎么才能提上去", "高质量培训成果"),
        ("国培计划是什么时候开始的", "从2010年起实施"),
        ("脱岗培训一年多长时间", "脱产学习时间不少于42天"),
    ],
)
def test_colloquial_phrasings_meet_the_notices_words(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


@pytest.mark.parametrize(
    "question", ["国培报名网址是多少", "今年教师资格证考试什么时候报名", "国培有没有伙食补助"]
)
def test_synonyms_do_not_pull_in_unrelated_questions(kb: KnowledgeBase, question: str) -> None:
    assert not kb.ask(question).answered


def test_a_clause_may_leave_the_topic_to_its_notice_title(tmp_path) -> None:
    """「班主任培训什么时候报名」: clause 三 says 报名 and a date, the title says 班主任培训."""
    notice = tmp_path / "班主任.html"
    notice.write_text(
        "<html><body><h1>关于开展2026年国培计划班主任培训的通知</h1>"
        "<p>发文字号:教厅〔2026〕33号 发布日期:2026-11-28</p><p>各市、县教育局:</p>"
        "<p>一、培训对象。各项目县中小学班主任,每县选派不超过20名,年龄一般不超过50周岁。</p>"
        "<p>二、培训方式。采取线上线下混合式培训,线下集中培训5天,线上研修30学时。</p>"
        "<p>三、报名方式。请于2026年12月10日前登录国培平台完成报名,逾期系统关闭。</p>"
        "</body></html>",
        encoding="utf-8",
    )
    kb = KnowledgeBase.open(tmp_path / "cache", tmp_path / "uploaded")
    kb.ingest([notice])

    answer = kb.ask("班主任培训什么时候报名")

    assert answer.answered, answer.reason
    assert answer.hits[0].text.startswith("三、报名方式")


def test_a_word_present_only_through_a_part_of_it_counts_less(kb: KnowledgeBase) -> None:
    """「学分管理是哪个文件规定的」: 管理 in 「项目管理办法」 is not the word 学分管理, and little
    of it: the parts count by their share of the word's idf (学分 is the rare part)."""
    words = kb._ranker.query_words(normalize("学分管理是哪个文件规定的,文号多少"))
    credit_management = next(w for w in words if w.word == "学分管理")
    presence = kb._ranker._presence
    assert 0 < presence(credit_management, "项目管理办法") < ranking.INNER_PRESENCE / 2
    assert presence(credit_management, "学分的认定、分管领导和管理") == pytest.approx(
        ranking.INNER_PRESENCE
    )
    assert presence(credit_management, "推行学分管理") == 1.0

    answer = kb.ask("学分管理是哪个文件规定的,文号多少")

    assert answer.answered and answer.hits[0].doc_number == "教师〔2016〕12号"


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("09年那个国培主要想提高哪类老师的素质", "重点提高农村教师素质"),
        ("13年出的国培管理办法有几个,都叫啥", "示范性远程培训项目管理办法"),
    ],
)
def test_a_two_digit_year_is_the_year(kb: KnowledgeBase, question: str, phrase: str) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text
    written_out = question.replace("09年", "2009年").replace("13年", "2013年")
    assert kb.ask(written_out).hits[0] == answer.hits[0]


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("俺在幼儿园上班 19年国培给幼师安排多不", "俺在幼儿园上班 2019年国培给幼师安排多不"),
        ("这笔22年的预算", "这笔2022年的预算"),
        ("19年底前报送吗", "2019年底前报送吗"),
        ("工作20年的老师能参加吗", "工作20年的老师能参加吗"),
        ("教龄满15年", "教龄满15年"),
        ("10年以上教龄", "10年以上教龄"),
        ("2019年国培", "2019年国培"),
        # Voice input writes years in Chinese numerals.
        ("二零一九年国培资金多少", "2019年国培资金多少"),
        ("二〇二二年的通知", "2022年的通知"),
        ("一二年级的老师", "一二年级的老师"),
        ("一九年国培资金多少", "2019年国培资金多少"),
        ("教了二十年", "教了二十年"),
    ],
)
def test_only_a_year_is_written_out_not_a_duration(text: str, expanded: str) -> None:
    assert ranking.expand_short_years(text) == expanded


@pytest.mark.parametrize(
    "question",
    [
        "国培专家讲课费一节课多少钱",
        "国培集中培训请假超过几天就不给结业",
        "国培班主任每个月有多少补贴",
        "参训老师交多少培训费",
        "住宿费标准是多少",
        "专家讲课费的标准是多少",
        "国培的伙食费一般是多少",
        "2017年国培经费是多少",
        # No passage states a province's share.
        "2019年国培资金分给甘肃省的是多少",
        "河南省分到了多少国培经费",
        # …however far the sum's word is from 多少 (it was read as the national total, sure).
        "2019年国培资金给甘肃省的那一份到底是多少",
        # A rate is not the total of 专项资金 (19.85亿元); no notice states credits or a
        # length of service in years.
        "送教下乡的老师每次补贴多少钱",
        "每个月能领多少补助",
        "教师五年要修满多少学分",
        "教师培训学分一年要多少",  # the 80学时 of 置换研修 is no number of 学分 (QA14 L6)
        "公费师范生毕业要服务几年",
        # No notice states how many trainees a class or a county takes, or how often 送教下乡
        # comes; the 「(2011)…双语教师」 of a title is a year, not a number of teachers.
        "普通话培训班一期收多少名学员",
        "送教下乡一个县安排多少名学员",
        "送教下乡一年去几次",
    ],
)
def test_a_figure_the_notices_do_not_state_is_declined(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert not answer.answered and answer.reason == "no_figure"


@pytest.mark.parametrize(
    "question",
    [
        # The 2019 news states 2019's sum: it is no answer for another year's.
        "2021年中央财政下达了多少国培资金",
        # 2020 and 2010 are in the 2019 news only inside spans (「(2015-2020年)」, 「2010-2019年
        # 累计」): 19.85亿元 is 2019's alone. 去年 is a year no passage speaks of.
        "2020年中央财政下达了多少国培资金",
        "2010年中央财政下达了多少国培资金",
        "去年中央财政给了多少钱",
    ],
)
def test_another_years_sum_is_declined_for_its_year(kb: KnowledgeBase, question: str) -> None:
    """The reply says the year is not covered (QA14 L4), not that a figure is unstated."""
    answer = kb.ask(question)
    assert not answer.answered and answer.reason == "other_year"


@pytest.mark.parametrize(
    "question",
    [
        "培训期间的住宿费谁出",
        "住宿费用标准",
        "国培住宿费标准",
        "国培交通费谁承担",
        "培训期间住哪里",
        "培训期间吃饭要钱吗",  # not 「不得…收取培训费用」 (QA14 M7)
    ],
)
def test_a_fee_no_notice_names_is_declined_not_met_by_other_clauses(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert not answer.answered and answer.reason == "out_of_scope"


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("参加普通话培训班要自己交培训费吗", "不得向参训学员另外收取"),
        ("参加国培要交培训费吗", "不得向参训学员另外收取"),
        ("国培要缴费吗", "不得向参训学员另外收取"),
        ("培训机构可以乱收费吗", "经费"),
        ("给培训班主任的管理费用有安排吗", "班级管理费用"),
    ],
)
def test_fees_the_notices_speak_of_are_answered(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and any(phrase in hit.text for hit in answer.hits[:3])


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("参训学员每年脱产学习多少天", "42天"),
        ("2019年中央财政下达了多少国培资金", "亿元"),
        ("2019年国培专项资金是多少", "亿元"),
    ],
)
def test_a_figure_the_clause_states_is_answered(
    kb: KnowledgeBase, question: str, figure: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and figure in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "clause"),
    [
        ("2019年国培通知第四部分突出的是什么", "四、"),
        ("2018年国培组织实施通知第2点讲的是哪方面的培训", "二、"),
    ],
)
def test_a_numbered_part_is_the_clause_of_that_number(
    kb: KnowledgeBase, question: str, clause: str
) -> None:
    assert kb.ask(question).hits[0].clause == clause


def test_character_pairs_leave_out_function_characters() -> None:
    pairs = ranking.character_pairs("承担单位是随便找的吗")
    assert pairs == {"承担", "担单", "单位", "随便", "便找"}
    weights = ranking.character_pair_weights(["培训机构资质", "培训学分", "培训经费"])
    assert weights["资质"] > weights["培训"]


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        # (「实施全国中小学教师培训计划是哪两个部门决定的」 needed them until a word's parts
        # counted by their idf: tests/data holds it)
        ("培训机构资质要求有哪些", "严格培训机构资质"),
        ("国培有没有讲国家安全教育的课", "国家安全教育"),
    ],
)
def test_character_pairs_meet_where_the_words_are_cut_differently(
    kb: KnowledgeBase, question: str, phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert phrase in kb.ask(question).hits[0].text

    monkeypatch.setattr(ranking, "CHARACTER_PAIR_BOOST", 0.0)
    assert phrase not in kb.ask(question).hits[0].text


@pytest.mark.parametrize(
    "question",
    [
        "为什么要印发新时代基础教育强师计划",
        "参加国培的师范大学有哪几所",
        "2009年的国培计划通知对各地有什么要求",
    ],
)
def test_more_hits_are_clauses_not_title_pages(kb: KnowledgeBase, question: str) -> None:
    """「更多」 pages a title page only when the question asks for a title, 文号 or issuer."""
    passages = kb._state.passages
    hits = kb.ask(question).hits
    assert len(hits) >= 2
    assert all(passages[hit.passage_id].kind != "meta" for hit in hits[1:])


def test_a_question_for_metadata_still_gets_title_pages(kb: KnowledgeBase) -> None:
    passages = kb._state.passages
    hits = kb.ask("国培计划的文号是什么").hits
    assert [passages[hit.passage_id].kind for hit in hits[:2]] == ["meta", "meta"]


@pytest.mark.parametrize(
    ("question", "doc_number"),
    [
        # 财教〔2022〕96号 shares 教师, 2022 and 号 with it, and 96 ends in 6.
        ("教师〔2022〕6号是什么文件", "教师〔2022〕6号"),
        ("教师[2022]6号是什么文件", "教师〔2022〕6号"),
        ("教师2022第6号文件说了什么", "教师〔2022〕6号"),
        ("教师〔2019〕1号是什么文件", "教师〔2019〕1号"),
        ("请问财教2022年第96号讲的啥", "财教〔2022〕96号"),
    ],
)
def test_a_doc_number_in_the_question_names_that_notice(
    kb: KnowledgeBase, question: str, doc_number: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and answer.hits[0].doc_number == doc_number


def test_a_clause_the_stored_copy_cuts_short_says_so_and_is_not_sure(kb: KnowledgeBase) -> None:
    # The stored 2013 rules end inside 第四条: 「第四条示范性集中培训项目的培」.
    answer = kb.ask("示范性集中培训项目的培训对象是谁")
    assert answer.answered and not answer.confident
    top = answer.hits[0]
    assert top.text.endswith("第四条示范性集中培训项目的培……（存档的原文到此为止）")
    # A passage whose sentences the cut leaves whole stays sure.
    assert kb.ask("参加教研活动能不能算培训学分").confident


def test_a_year_no_notice_of_the_answer_speaks_of_is_declined(kb: KnowledgeBase) -> None:
    """The 2022 budget notice does not answer for 2023; the 2009 notice answers for 2009-2012."""
    other_year = kb.ask("2023年国培组织实施通知的文号是多少")
    assert not other_year.answered and other_year.reason == "other_year"
    inside_span = kb.ask("2009年国培计划是按照哪个几年规划部署的")
    assert inside_span.answered and "2009—2012年" in inside_span.hits[0].text


def test_a_lower_hit_naming_the_asked_year_comes_first_unsure(kb: KnowledgeBase) -> None:
    """The 2019 notice's clause ranked first for 2018 gives way to the 2018 notice's."""
    answer = kb.ask("2018年国培项目实施情况用什么办法来记录跟踪")
    assert answer.answered and not answer.confident
    assert "电子台账制度" in answer.hits[0].text
    assert "2018" in answer.hits[0].title


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("我都快50了还能报普通话培训班吗", "不超过45周岁"),
        ("2019年国培通知附了哪些方案", "幼师国培项目实施方案"),
        ("普通话班可以到州里办吗", "送训到地州办班"),
        ("新来的老师国培有专门培训吗", "新教师入职培训"),
        ("听说老师能自己选课 是真的吗", "自主选学"),
        ("国培是免费的吗", "不得向参训学员另外收取"),
        ("置换研修要离岗多久", "126天"),
        # What the programme is: what it is for, not a 2013 notice's preamble (QA14 M8).
        ("国培计划是什么", "旨在发挥示范引导"),
        ("国陪是什么意思", "旨在发挥示范引导"),
        # 「专门给班主任办的培训」 asks for the 班主任培训 the notices name.
        ("有没有专门给咱们班主任办的培训", "班主任培训"),
        ("国培有没有专门为新老师安排的班", "新教师入职培训"),
        # 「多安排点」 asks whether they are favoured: the notices say 「加大…培训力度」.
        ("俺在幼儿园 国培给园长会多安排点不", "加大幼儿园教师、园长培训力度"),
        ("全员培训几年为一轮", "五年一周期"),  # 「一轮」 is the notices' 周期
        ("国培的培训体系一共有几个层级", "五级培训体系"),  # levels are counted as 「五级」
        ("专家组来检查国培采取哪些方式", "推门听课"),  # the notices' checking is 视导
        # 「怎么判断…有没有提高」: the notices' 「培训前后能力提升的对比评价」
        ("参加完国培怎么判断老师有没有提高", "培训前后能力提升的对比评价"),
        ("普通话培训的发票要留着吗", "原始单据"),  # 发票, 票据 are the notices' 单据
        ("俺们学校网也连不上 咋参加信息技术培训", "不具备网络条件"),
        ("竞标的时候高校和机构是不是一样对待", "平等参与招投标"),  # 一样对待 is 平等
        ("我都四十八了还能报普通话培训班吗", "不超过45周岁"),  # an age in Chinese numerals
        ("普通话培训的票据要不要留底", "原始单据保留"),  # 留底 is the notices' 保留
        # 「几年算一轮」 is a round (周期), not 「算」 as 「纳入」 (算不算学分)
        ("全员培训是几年算一轮", "五年一周期"),
        ("教师培训是不是五年算一轮", "五年一周期"),
        ("开课前会不会先问问我们想学什么", "前期调研"),  # asking first is 前期调研
        ("我们学院接了国培任务 要当重点工作吗", "纳入本单位工作重点"),  # 接 is 承担
        ("国培经费怎么花的 老百姓能查到吗", "向社会公开培训资金"),
        ("示范性集中培训靠什么资金支撑", "中央财政专项经费支持"),  # 支撑 is 支持
        ("教育部要建教师培训慕课吗", "MOOC"),
        ("老师培训这摊事按规定归地方管吗", "属于地方事务"),  # 按规定 says nothing
        ("专家库里的专家是一直不换的吗", "动态更新"),  # 「一直不换」 asks if it is 动态
        ("培训经费被人冒领了查出来怎么处理", "严肃查处套取培训资金"),  # 冒领 is 套取
        ("我们学校莫得网 咋参加培训", "不具备网络条件"),  # 莫得 is 没有
        ("学校信息化这事谁负总责", "第一责任人"),
        # 「要干过几年」 asks for experience: no longer 「没有找到写明这个数字」 (QA17 F3)
        ("承担国培的机构要干过几年", "三年以上"),
        ("强师计划的通知都发给了谁", "部属师范大学"),  # 「发给了谁」 asks for its 主送单位
        ("培训时学员出了事有应急预案吗", "突发事件应急机制"),  # 出了事 is 突发事件
        ("新加的项目县是啥样的", "以贫困县为主"),  # 新加 is 新增
        ("强师计划是几个部委联名发的", "教育部等八部门"),  # 部委 are 部门, 联名 is 联合
        ("2019年中央给国培拨了几个亿", "19.85亿元"),  # 几个亿 is a sum, not a count
        ("做培训管理工作的人要参加专题研修吗", "培训管理者专题研修"),
        ("提升工程2.0是一个学校一个学校整体推进的吗", "整校推进"),
    ],
)
def test_colloquial_phrasings_reach_the_clause(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    """One's age (50了), 附了, 州里, 新来的老师, hearsay, 自己选课, 免费, 离岗, a class
    「专门给…办的」, 「多安排点」, 「几年一轮」, 「几个层级」, 检查, 「有没有提高」, 发票,
    「网也连不上」, 「一样对待」, 「几年算一轮」, 「先问问想学啥」, 接任务, 「钱怎么花…能查到吗」,
    支撑, 慕课, 「一直不换」, 冒领, 莫得 and 「负总责」 in the notices' words."""
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


def test_credits_stated_in_hours_answer_a_credits_question(tmp_path: Path) -> None:
    """「计入继续教育学分72学时」 states the figure that 「能算多少学分」 asks for."""
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "certificate.txt").write_text(
        "\n".join(
            [
                "某省教育厅关于做好2030年乡村教师访名校培训的通知",
                "某教〔2030〕9号",
                "各市、县(区)教育局:",
                "一、结业证书",
                "学员完成全部学习任务并考核合格的,由承办单位颁发结业证书,计入继续教育学分72学时。",
                "某省教育厅",
                "2030年3月1日",
            ]
        ),
        encoding="utf-8",
    )
    kb = KnowledgeBase.open(tmp_path / "cache", notices)
    answer = kb.ask("结业证书能算多少学分")
    assert answer.answered and "72学时" in answer.hits[0].text


def test_a_clause_repeated_by_a_second_notice_agrees_rather_than_ties(tmp_path: Path) -> None:
    """A 补充通知 repeating a clause word for word: one hit, the newer notice's, and sure."""
    notices = tmp_path / "notices"
    notices.mkdir()
    for name, number, day in (("first", "9", "2030年3月1日"), ("again", "16", "2030年5月1日")):
        (notices / f"{name}.txt").write_text(
            "\n".join(
                [
                    f"某省教育厅关于做好2030年乡村教师跟岗培训的通知（{name}）",
                    f"某教〔2030〕{number}号",
                    "各市、县(区)教育局:",
                    "三、请假与考勤",
                    "学员培训期间原则上不得请假,确因特殊情况需请假的,须经班主任批准,"
                    "累计请假超过总学时六分之一的不予结业。",
                    "某省教育厅",
                    day,
                ]
            ),
            encoding="utf-8",
        )
    kb = KnowledgeBase.open(tmp_path / "cache", notices)
    answer = kb.ask("培训期间能请假吗")
    assert answer.answered and "六分之一" in answer.hits[0].text
    assert sum("六分之一" in hit.text for hit in answer.hits) == 1
    assert answer.hits[0].doc_number == "某教〔2030〕16号" and answer.confident


@pytest.mark.parametrize("question", ["国培能不能请假", "学时会不会作废", "培训期间扣不扣工资"])
def test_an_a_not_a_question_asks_of_the_verb_not_its_negation(
    kb: KnowledgeBase, question: str
) -> None:
    """jieba cuts 能不能 as 能 + 不能, and 不能 is the notices' 不得: a question word it is not."""
    words = kb._ranker.query_words(rewrite_intents(normalize(question)))
    assert "不得" not in {term for word in words for term in word.terms}


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("提升工程每年培训多少老师", "中小学教师总数的20%"),
        ("置换脱产研修遴选多少名骨干教师", "遴选2000名优秀的中小学骨干教师"),
        ("脱产研修一共分几次", "分2次实施"),
    ],
)
def test_a_count_of_people_or_times_is_answered_where_stated(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


def test_a_count_doubted_rather_than_asked_for_needs_no_stated_number(kb: KnowledgeBase) -> None:
    assert kb.ask("国培是不是就几个人去").reason != "no_figure"


@pytest.mark.parametrize(
    "question", ["提升工程2.0有多少个微能力点要考核", "强师计划要建几个师范教育基地"]
)
def test_a_count_of_things_no_clause_states_is_not_in_the_notices(
    kb: KnowledgeBase, question: str
) -> None:
    """「多少个微能力点」 was surely answered by the 2.0 notice's preamble, which states none."""
    answer = kb.ask(question)
    assert not answer.answered and answer.reason == "no_figure"


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("强师计划是哪几个部门发的", "教育部等八部门"),  # 「哪几个」 asks which, not how many
        ("强师计划的通知一共有多少个部门发", "教育部等八部门"),
        ("2019年国培通知带了几个附件 分别是什么", "幼师国培项目实施方案"),
        ("2019年国培通知带了几个附件", "幼师国培项目实施方案"),  # the list counts them
    ],
)
def test_a_count_of_things_is_answered_where_stated_and_a_list_is_not_a_count(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and phrase in answer.hits[0].text


def test_the_next_passage_stating_the_figure_comes_first_unsure(kb: KnowledgeBase) -> None:
    """「分几次进行」 matches the clause's first passage best (进行), but only the next one
    states 「分2次实施」: it is shown first, as a likely answer rather than a sure one."""
    answer = kb.ask("脱产研修分几次进行")
    assert answer.answered and not answer.confident
    assert "分2次实施" in answer.hits[0].text
    assert "遴选2000名" in answer.hits[1].text


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        # 里头, 这块, 这玩意, 咋回事 and 俺 say nothing of the topic: they were counted as
        # words no notice uses, which declined the question or made the answer unsure.
        ("国培里头有没有劳动教育这块", "劳动教育"),
        ("培训券这玩意是咋回事", "培训券(卡)"),
        ("俺当国培班主任 有管理费用不", "班级管理费用"),
    ],
)
def test_colloquial_fillers_do_not_count_against_a_sure_answer(
    kb: KnowledgeBase, question: str, phrase: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and answer.confident and phrase in answer.hits[0].text


@pytest.mark.parametrize(
    "question",
    [
        # The 2022 budget clause cites 「(2021-2025年)」 in passing: not surely 2025's answer.
        "2025年国培有什么要求",
        # 今年 is 2026, which no notice is of: the 2013 notice's answer is a maybe.
        "今年国培啥时候开始",
    ],
)
def test_a_year_the_top_clause_names_only_in_a_span_or_not_at_all_is_unsure(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert not answer.confident


def test_a_span_asked_for_is_met_surely_by_a_clause_stating_it(kb: KnowledgeBase) -> None:
    """「从2010年到2019年」 asks of the span the 2019 news states (「2010-2019年累计」)."""
    answer = kb.ask("从2010年到2019年中央财政累计安排了多少国培资金")
    assert answer.confident and "157.84亿元" in answer.hits[0].text


def test_a_year_in_chinese_numerals_is_answered_like_one_in_digits(kb: KnowledgeBase) -> None:
    spoken, typed = kb.ask("二零一九年国培资金多少"), kb.ask("2019年国培资金多少")
    assert spoken.answered and spoken.hits[0].text == typed.hits[0].text
    assert "19.85亿元" in spoken.hits[0].text


def test_a_word_only_one_notice_title_holds_picks_that_notice(kb: KnowledgeBase) -> None:
    """「2.0」 is in the title of the 2019 notice alone: the 2013 notice's 「到2017年底完成」
    answered 「提升工程2.0到哪年完成」 first (QA17 F4)."""
    answer = kb.ask("信息技术提升工程2.0到哪年完成")
    assert answer.answered and "到2022年" in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "cited"),
    [
        ("2022年国培资金预算通知要求省级部门按哪个通知的要求执行", "教师函〔2021〕4号"),
        ("幼儿园老师的国培最早是依据哪个文件搞的", "实施幼儿教师国家级培训计划"),
    ],
)
def test_the_document_a_clause_follows_is_its_citation_not_the_notice_own_number(
    kb: KnowledgeBase, question: str, cited: str
) -> None:
    """「按哪个通知的要求」「依据哪个文件」 ask for the document the clause cites
    (教师函〔2021〕4号), not for the notice's own 文号 (财教〔2022〕96号)."""
    answer = kb.ask(question)
    assert answer.answered and cited in answer.hits[0].text
    assert answer.hits[0].text.count("发文字号") == 0


def test_a_notice_named_by_its_number_answers_its_addressees_surely(kb: KnowledgeBase) -> None:
    """The 主送单位 page repeats the 文号, so naming the 文号 no longer picks the other page."""
    answer = kb.ask("财教〔2022〕96号主送哪些部门")
    assert answer.confident and "主送单位:有关省、自治区、直辖市财政厅" in answer.hits[0].text
    asked_year = kb.ask("2013年信息技术应用能力提升工程的意见主送哪些单位")
    assert "主送单位:各省、自治区、直辖市教育厅" in asked_year.hits[0].text


@pytest.mark.parametrize(
    "question", ["新时代基础教育强师计划是哪几个部门联合印发的", "强师计划的文号"]
)
def test_a_title_page_is_no_rival_to_the_same_notice_other_title_page(
    kb: KnowledgeBase, question: str
) -> None:
    """Both title pages of a notice name it and its 文号: the answer is sure of the first."""
    answer = kb.ask(question)
    assert answer.confident and "教师〔2022〕6号" in answer.hits[0].text


def test_several_told_before_the_question_is_not_a_figure_asked(kb: KnowledgeBase) -> None:
    """「上了几次课，…能算工作量不」 asks whether it counts, not how many times; 「安排了几天」
    alone still asks how many days."""
    told = kb.ask("我被请去给国培学员上了几次课，回学校能算工作量不")
    assert told.answered and "纳入教学工作量考核范围" in told.hits[0].text
    asked = kb.ask("2018年国培给幼儿园园长安排了几天集中培训")
    assert not asked.answered


def test_a_number_of_levels_is_answered_where_one_is_stated(kb: KnowledgeBase) -> None:
    answer = kb.ask("国培要搭几级培训体系，从国家到学校")
    assert answer.answered and "五级培训体系" in answer.hits[0].text


def test_where_something_is_kept_is_not_a_venue(kb: KnowledgeBase) -> None:
    """「票据放在哪里」 asks where the receipts are kept (「原始单据保留在…」), not 「地点」."""
    answer = kb.ask("普通话培训花钱的那些票据最后放在哪里")
    assert answer.answered and "原始单据保留在" in answer.hits[0].text
    venue = kb.ask("信息技术应用能力提升工程的执行办公室放在哪所高校")
    assert venue.answered and "华东师范大学" in venue.hits[0].text


def test_a_ledger_is_the_notices_taizhang(kb: KnowledgeBase) -> None:
    answer = kb.ask("国培项目执行得怎么样，省里用什么办法记账跟进")
    assert answer.answered and "电子台账制度" in answer.hits[0].text


@pytest.mark.parametrize(
    "question",
    ["普通话班上课是光听老师讲还是要多练嘛", "普通話培訓班上課是怎麼安排的，就是老師一直講嗎"],
)
def test_lectures_only_asks_how_trainees_take_part(kb: KnowledgeBase, question: str) -> None:
    """「光听老师讲」「老师一直讲吗」 ask whether trainees practise: 「精讲多练」."""
    answer = kb.ask(question)
    assert answer.answered and "精讲多练" in answer.hits[0].text


def test_a_large_open_online_course_is_a_mooc(kb: KnowledgeBase) -> None:
    answer = kb.ask("有没有那种大规模开放的网上培训课")
    assert answer.answered and "MOOC" in answer.hits[0].text


def test_a_notice_addressee_page_answers_only_who_it_was_sent_to(kb: KnowledgeBase) -> None:
    """The 主送单位 page repeats the 文号 but not the date: 「…落款是哪一天」 gets the first
    title page."""
    answer = kb.ask("教师厅〔2019〕2号那个通知落款是哪一天")
    assert answer.answered and "日期:2019年3月5日" in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "addressee"),
    [
        ("强师计划的通知师范大学也收到了没？", "部属师范大学"),
        ("强师计划的通知也发给各省发改委了吗", "改革委"),
    ],
)
def test_whether_one_was_sent_the_notice_is_its_addressees(
    kb: KnowledgeBase, question: str, addressee: str
) -> None:
    answer = kb.ask(question)
    assert answer.answered and "主送单位:" in answer.hits[0].text
    assert addressee in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("学校搞信息技术能力提升，出了问题头一个找谁", "第一责任人"),
        ("强师计划落款的除了教育部还有谁", "国家乡村振兴局"),
        ("俺是今年才考进来的新老师，有专门给新人的培训吗", "新教师入职培训"),
        ("国培的钱是怎么花的，会不会公布出来让大家看", "向社会公开"),
    ],
)
def test_everyday_wordings_of_the_fourteenth_session(
    kb: KnowledgeBase, question: str, expected: str
) -> None:
    """头一个找谁 → 第一责任人, 落款 → 发文单位, 新人 → 新教师, 公布出来让大家看 → 公开."""
    answer = kb.ask(question)
    assert answer.answered and expected in answer.hits[0].text


def test_the_notice_name_cited_in_a_clause_does_not_make_it_the_answer(
    kb: KnowledgeBase,
) -> None:
    """Clause 有关要求1. cites the notice's forms by the notice's name (《国培计划(2011)中小学少数
    民族双语教师普通话培训班情况汇总表》): that does not make it the answer to every question on
    the 普通话 class, only to one on the forms."""
    content = kb.ask("少数民族双语教师普通话培训班都讲些啥内容")
    assert content.answered and "汉语拼音知识及其教学方法" in content.hits[0].text
    when = kb.ask("少数民族双语老师普通话培训班啥时候办的")
    assert when.answered and "情况汇总表" not in when.hits[0].text
    forms = kb.ask("普通话培训班的学员信息统计表什么时候交")
    assert forms.answered and "参训学员信息统计表" in forms.hits[0].text


def test_a_time_limit_asked_comes_from_the_clause_stating_one(kb: KnowledgeBase) -> None:
    """「几天内要交总结」 asks for a limit: clause 有关要求1. states 「培训结束后的1个月内」; the
    clause before it (「认真做好培训工作总结并报我部备案」) names none."""
    answer = kb.ask("普通话培训班结束后各省几天内要交总结")
    assert answer.answered and "培训结束后的1个月内" in answer.hits[0].text


def test_those_days_ask_no_number_of_days(kb: KnowledgeBase) -> None:
    """「培训那几天」 are the days of the training, not a number of days asked for."""
    answer = kb.ask("培训那几天出了意外有应急预案吗")
    assert answer.answered and "突发事件应急机制" in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("国培经费能挪去盖房子吗", "专款专用"),
        ("有机构骗国培的钱会被查处吗", "查处套取培训资金"),
        ("普通话班教不教朗诵古诗", "中华经典诗文诵读"),
        ("学校自己搞的教研培训机构管不管指导", "校本研修指导"),
        ("国培只顾眼前不顾长远的问题有哪些", "重短期学习、轻持续提升"),
        ("那个强教师的计划是哪几个部门发的", "教师〔2022〕6号"),
    ],
)
def test_everyday_wordings_of_the_fifteenth_session(
    kb: KnowledgeBase, question: str, expected: str
) -> None:
    """挪 → 挪用, 骗钱 → 骗取, 朗诵古诗 → 经典诗文诵读, 学校自己搞教研 → 校本研修, 只顾眼前 →
    重短期, 强教师的计划 → 强师计划."""
    answer = kb.ask(question)
    assert answer.answered and expected in answer.hits[0].text


def test_a_word_found_only_negated_does_not_make_a_sure_answer(kb: KnowledgeBase) -> None:
    """「培训机构要具备什么条件」 asks what institutions must have; the clause 「为不具备网络条件的
    农村教师…」 holds 具备 and 条件 only as a lack, so it is not a sure answer (QA20 F3)."""
    answer = kb.ask("培训机构要具备什么条件")
    assert not (answer.confident and "不具备网络条件" in answer.hits[0].text)


def test_a_figure_stated_of_the_thing_asked_about_comes_first(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """「分几级」 of the 培训体系: the clause stating 「五级培训体系」, not the Yunnan tender
    whose 分学科、分学段 and 到 outweigh it word for word."""
    question = "国家到学校的教师培训体系分几级"
    assert "五级培训体系" in kb.ask(question).hits[0].text
    monkeypatch.setattr(ranking, "FIGURE_OF_BOOST", 1.0)
    assert "五级培训体系" not in kb.ask(question).hits[0].text


def test_a_word_jieba_makes_up_is_cut_into_the_notices_words(kb: KnowledgeBase) -> None:
    """jieba glues 「学四有」 out of 「要学四有好老师」; the notices' 四有 is inside it. A made-up
    word of lone characters only (标间) stays whole: the notices do not speak of it."""
    words = [word.word for word in kb._ranker.query_words("国培要学四有好老师那些讲话")]
    assert "四有" in words and "学四有" not in words
    answer = kb.ask("听说国培要学四有好老师那些讲话，是放在哪个专题里学的")
    assert answer.answered and "四有" in answer.hits[0].text
    assert "标间" in [word.word for word in kb._ranker.query_words("住宿是单间还是标间")]
