"""Cleaning and ingestion of the shipped notices: spam, mojibake, splitting, metadata."""

from __future__ import annotations

from pathlib import Path

from knowledge.cleaning import clean_text
from knowledge.ingest import parse_notice_file, parse_notice_text
from knowledge.models import BLURB_TITLE

SEED_000 = "000_64d969114d19781a.txt"
SEED_003 = "003_f04167f55225327c.txt"


def all_text(parsed) -> str:
    return "\n".join(passage.text for passage in parsed.passages)


def test_lottery_spam_urls_and_headlines_are_removed(corpus_dir: Path) -> None:
    parsed = parse_notice_file(corpus_dir / SEED_000)
    text = all_text(parsed) + parsed.documents[0].title
    for junk in ("11选", "开奖", "6zzu", "富士康", "俄罗斯", "扫一扫", "责任编辑", "版权所有"):
        assert junk not in text
    report = parsed.report
    assert report.removed["lottery_spam"] >= 2
    assert report.removed["planted_url"] >= 1
    assert report.removed["unrelated_headlines"] >= 20
    assert report.removed["share_copyright_boilerplate"] >= 5
    assert any("11选" in sample for sample in report.samples["lottery_spam"])


def test_mojibake_repaired_where_recoverable(corpus_dir: Path) -> None:
    parsed = parse_notice_file(corpus_dir / SEED_000)
    text = all_text(parsed)
    assert "各省(区、市)要落实党中央" in text
    assert "?。ㄇ" not in text and "???" not in text and "/p>" not in text
    assert parsed.report.repaired >= 8
    assert parsed.report.removed["mojibake_unrecoverable"] == 1
    assert "报送至项目办。" in text


def test_seed_003_splits_into_four_notices(corpus_dir: Path) -> None:
    parsed = parse_notice_file(corpus_dir / SEED_003)
    documents = parsed.documents
    assert len(documents) == 4
    # The site's own paragraph before the notices is searchable but cited as what it is.
    assert documents[0].title == BLURB_TITLE and not documents[0].is_notice
    assert "2010年以来实施的高校有9所" in documents[0].text
    assert all(document.is_notice for document in documents[1:])
    assert documents[1].title == "教育部、财政部关于实施全国中小学教师培训计划的通知"
    assert documents[1].doc_number == "〔2010〕4号"
    assert documents[2].title == "中小学少数民族双语教师普通话培训班"
    assert (documents[2].issuer, documents[2].date) == ("教育部办公厅", "2011-06-21")
    assert "信息技术应用能力提升工程" in documents[3].title
    assert (documents[3].issuer, documents[3].date) == ("教育部", "2013-10-25")
    assert len({document.doc_id for document in documents}) == 4
    text = all_text(parsed)
    assert "猜你喜欢" not in text and "国培远程培训平台" not in text


def test_metadata_found_in_text_and_page_table(corpus_dir: Path) -> None:
    document = parse_notice_file(corpus_dir / SEED_000).documents[0]
    assert document.title.startswith("教育部办公厅 财政部办公厅关于做好2019年")
    assert document.doc_number == "教师厅〔2019〕2号"
    assert document.issuer == "教育部办公厅 财政部办公厅"
    assert document.date == "2019-03-05"
    assert document.attachments == [
        "“国培计划”示范项目实施方案",
        "“国培计划”中西部项目实施方案",
        "“国培计划”幼师国培项目实施方案",
    ]
    assert document.index_number == "360A10-04-2019-0006-1"
    assert document.category == "教育综合管理"
    assert document.addressee.startswith("各省、自治区、直辖市教育厅(教委)、财政厅(局)")
    assert document.addressee.endswith("有关单位")


def test_validity_and_addressee_of_other_notices(corpus_dir: Path) -> None:
    parsed = parse_notice_file(corpus_dir / "2022-caijiao-96.txt")
    funds = parsed.documents[0]
    assert funds.validity == "现行有效"
    assert funds.authority_level == "部门规范性文件"
    assert funds.addressee.startswith("有关省、自治区、直辖市财政厅(局)")  # after its 文号
    plan = parse_notice_file(corpus_dir / "2022-jiaoshi-6.txt").documents[0]
    assert (plan.date, plan.published) == ("2022-04-02", "2022-04-14")  # 發(fā)布時間
    metadata = next(passage.text for passage in parsed.passages if passage.kind == "meta")
    assert "日期:2022年4月8日" in metadata
    assert "效力等级:部门规范性文件" in metadata
    fragment = parse_notice_file(corpus_dir / "2009-moe-guopei-plan-fragment.txt").documents[0]
    assert fragment.addressee.endswith("教育部直属师范大学")
    assert "为贯彻" not in fragment.addressee


def test_header_block_wins_over_text() -> None:
    raw = (
        "title: 某某关于测试的通知\ndoc_number: 教师〔2099〕9号\nissuer: 测试部\n"
        "date: 2099-01-02\nsource: https://example.org/n\n---\n"
        "教育部关于另一个标题的通知\n教师〔2010〕1号\n各省、自治区、直辖市教育厅(教委):\n"
        "一、总体要求\n各地要认真组织参训教师开展网络研修,确保培训质量,切实提高乡村教师素质能力。\n"
    )
    document = parse_notice_text(raw, "header.txt").documents[0]
    assert document.title == "某某关于测试的通知"
    assert document.doc_number == "教师〔2099〕9号"
    assert document.issuer == "测试部"
    assert document.date == "2099-01-02"
    assert document.source == "https://example.org/n"


def test_traditional_text_and_pinyin_annotations_are_normalised(corpus_dir: Path) -> None:
    credits = all_text(parse_notice_file(corpus_dir / "2016-jiaoshi-12.txt"))
    assert "中小学教师培训学分管理" in credits and "中國小" not in credits
    assert "幼儿园" in credits and "幼稚园" not in credits
    plan = parse_notice_file(corpus_dir / "2022-jiaoshi-6.txt")
    assert "(guān)" not in all_text(plan) and "八部门关于印发" in all_text(plan)
    assert plan.report.removed["pinyin_annotation"] > 50


def test_passages_know_their_clause_path(corpus_dir: Path) -> None:
    yunnan = parse_notice_file(corpus_dir / "2015-yunnan-guopei-zhaobiao.txt")
    clauses = {passage.clause for passage in yunnan.passages}
    assert {"一、(一)1.", "一、(一)2.", "一、(一)3."} <= clauses
    seed = parse_notice_file(corpus_dir / SEED_000)
    deadline = next(p for p in seed.passages if "2019年4月12日前" in p.text)
    assert deadline.clause == "七、"
    rules = parse_notice_file(corpus_dir / "2013-jiaoshiting-1.txt")
    assert any(p.clause == "第一章第三条" for p in rules.passages)


def test_passages_are_clause_sized(kb) -> None:
    lengths = [len(kb.passage(i).text) for i in range(kb.stats()["passages"])]
    assert max(lengths) <= 450
    assert sum(lengths) / len(lengths) < 260


def test_clean_text_keeps_plain_notice_untouched() -> None:
    text = "一、总体要求\n各地要认真组织参训教师开展网络研修。"
    result = clean_text(text)
    assert result.text == text
    assert not result.removed


SPAM_NOTICE = "\n".join(
    [
        "某省教育厅关于做好2030年乡村教师研修工作坊管理的通知",
        "某教〔2030〕7号",
        "各市、县(区)教育局,有关单位:",
        "现就做好2030年乡村教师研修工作坊管理有关事宜通知如下。",
        "双色球开奖结果 今日推荐 点击查看",
        "一、坊主职责",
        "工作坊坊主负责组织学员开展每月不少于两次的主题研讨。澳门葡京娱乐城 注册送彩金888元",
        "二、材料报送",
        "请各市于2030年6月30日前将工作坊研修总结报送省项目办。www.bjpk10zb.com",
        "三、经费保障",
        "研修经费可由彩票公益金教育助学项目列支。",
        "某省教育厅",
        "2030年3月1日",
    ]
)


def test_lottery_ads_in_a_plain_text_notice_are_removed_whole() -> None:
    parsed = parse_notice_text(SPAM_NOTICE, "spam.txt")
    text = all_text(parsed)
    for junk in ("双色球", "今日推荐", "点击查看", "葡京", "娱乐城", "彩金", "888", "bjpk10zb"):
        assert junk not in text, junk
    assert "每月不少于两次的主题研讨。\n" in text + "\n"
    assert "报送省项目办。" in text
    assert "彩票公益金教育助学项目" in text  # the word in a real clause stays
    report = parsed.report
    assert report.samples["lottery_spam"] == [
        "双色球开奖结果 今日推荐 点击查看",
        "澳门葡京娱乐城 注册送彩金888元",
    ]
    # The report shows a removed address exactly as it was, not cut by the lottery words in it.
    assert report.samples["planted_url"] == ["www.bjpk10zb.com"]


def test_a_long_removed_sample_is_marked_as_cut() -> None:
    url = "https://www.example.com/" + "a" * 60
    result = clean_text(f"国培计划的通知正文在这里。{url}\n")
    (sample,) = result.samples["planted_url"]
    assert sample.endswith("…") and url.startswith(sample[:-1])


def test_traditional_to_simplified_skips_opencc_only_where_it_would_change_nothing() -> None:
    from opencc import OpenCC

    from knowledge.cleaning import to_simplified

    reference = OpenCC("t2s")
    corpus = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
    lines = [line for path in corpus.glob("*.txt") for line in path.read_text("utf-8").split("\n")]
    lines += ["國培計劃的參訓教師", "反覆思量", "沈默是金", "一目瞭然", "回覆學員", "国培计划"]
    for line in lines:
        assert to_simplified(line) == reference.convert(line), line
    assert to_simplified("反覆") == "反复" and to_simplified("參訓") == "参训"
