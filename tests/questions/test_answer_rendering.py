"""What a trainee reads in an answer: bold on whole words, the excerpt where the answer is,
pages that stay put, a curated answer without unrelated clauses, and who the bot is."""

from __future__ import annotations

import re

from bot.chat import Edit
from bot.db import question_crud
from handlers.ask import highlight, quote_window, refresh_curated, render_hit
from knowledge.models import Hit
from tests.questions.conftest import MANAGER, TRAINEE, button, text_of
from tests.questions.test_ask_flow import logs


def test_bold_marks_words_not_single_characters_or_digits_inside_numbers() -> None:
    text = "每人5年不少于50学时,由语用司审核"
    marked = highlight(text, ("5", "学时", "用", "由", "审核", "50"))
    assert marked == "每人5年不少于<b>50学时</b>,由语用司<b>审核</b>"


def test_the_excerpt_starts_where_most_of_the_question_is_not_at_the_first_common_word() -> None:
    text = "国培计划" + "各地认真总结经验。" * 20 + "于4月12日前将参训学员信息报送项目办。"
    excerpt, cut_before, _ = quote_window(text, ("国培计划", "参训学员", "信息", "报送"), 60, 10)
    assert cut_before and "4月12日前将参训学员信息报送" in excerpt


HEADING = "七、突出制度保障，不断完善支持服务体系"
HEADED = HEADING + "\n" + "各地认真总结经验。" * 12 + "按照专项资金办法。"


def test_an_excerpt_starts_at_a_sentence_not_inside_a_word() -> None:
    text = HEADED
    excerpt, cut_before, _ = quote_window(text, ("专项资金",), 40, 12)
    assert cut_before and excerpt.startswith("各地认真总结经验。")
    assert excerpt.endswith("按照专项资金办法。")


def test_an_excerpt_past_its_clause_heading_is_shown_under_it() -> None:
    text = HEADED
    hit = Hit(text, 1.0, "某通知", "", "", "", "七、", "d", 0, ("专项资金",))
    heading, quote = render_hit(hit, 40, 12).split("\n", 1)
    assert heading == f"【{HEADING}】"
    assert quote.startswith("…各地认真总结经验。") and "按照<b>专项资金</b>办法。\n" in quote
    assert render_hit(hit).startswith("七、突出制度保障")  # whole: the heading in its place


def test_an_excerpt_past_two_heading_lines_is_shown_under_both() -> None:
    text = "一、中西部项目\n（一）置换脱产研修项目\n" + HEADED.split("\n", 1)[1]
    hit = Hit(text, 1.0, "某通知", "", "", "", "一、（一）", "d", 0, ("专项资金",))
    heading, quote = render_hit(hit, 40, 12).split("\n", 1)
    assert heading == "【一、中西部项目 （一）置换脱产研修项目】"
    assert quote.startswith("…各地认真总结经验。")


async def test_the_unsure_overview_shows_the_deadline_of_the_clause_that_answers(chat) -> None:
    (reply,) = await chat.say(TRAINEE, "国培的学员信息啥时候报上去")
    entries = re.split(r"\n\n\d\. ", reply.text)[1:]
    (dated,) = [entry for entry in entries if "教师厅〔2019〕2号" in entry]
    assert "2019年4月12日前" in dated.split("——")[0]


async def test_a_clause_continued_is_shown_under_its_heading(chat) -> None:
    (reply,) = await chat.say(TRAINEE, "2019年国培要提炼几个优秀典型案例")
    heading, quote = reply.text.removeprefix("📖 ").split("\n", 1)
    assert heading == "【七、突出制度保障，不断完善支持服务体系】"
    assert "改进与创新，形成年度项目实施报告" in quote and "条款 七、" in quote


async def test_a_numbered_clause_is_shown_under_the_headings_it_sits_under(chat) -> None:
    (reply,) = await chat.say(TRAINEE, "云南置换研修一年脱产学习多少天")
    heading, quote = reply.text.removeprefix("📖 ").split("\n", 1)
    assert heading == "【一、中西部项目 （一）教师培训团队<b>置换脱产研修</b>项目】"
    assert "时间不少于42天" in quote.split("\n")[0] and "条款 一、（一）1." in quote


async def test_who_are_you_gets_an_introduction_and_is_not_logged(chat) -> None:
    assert "我是国培助手" in text_of(await chat.say(TRAINEE, "你是谁?"))
    assert logs(chat) == []


async def test_a_curated_answer_comes_without_clauses_the_bot_is_unsure_of(chat) -> None:
    question = "培训期间的住宿费用由谁承担"
    with chat.services.session() as session:
        question_crud.add_curated(
            session, question=question, answer="由派出学校按标准报销。", created_by=MANAGER
        )
    refresh_curated(chat.services)
    (reply,) = await chat.say(TRAINEE, question)
    assert "由派出学校按标准报销" in reply.text
    assert "相关条款" not in reply.text and "更多" not in str(reply.buttons)


async def test_an_old_answer_pages_on_as_first_shown_after_a_curated_answer_is_saved(chat):
    question = "教师培训学分怎么审核认定？"  # a sure answer: clause 1 of 3, then 更多
    first = await chat.say(TRAINEE, question)
    assert first[0].text.startswith("📖") and "第 1/" in first[0].text
    with chat.services.session() as session:
        question_crud.add_curated(
            session, question=question, answer="由县级以上教育行政部门审核认定。",
            created_by=MANAGER,
        )
    refresh_curated(chat.services)
    assert "王老师的解答" in text_of(await chat.say(TRAINEE, question))

    more = await chat.press(TRAINEE, button(first, "更多"))
    edit = next(r for r in more if isinstance(r, Edit))
    assert "第 2/" in edit.text and "的解答" not in edit.text
