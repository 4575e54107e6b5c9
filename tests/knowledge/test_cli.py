"""The ingest / ask / deadlines commands on a tiny Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner


def test_ask_json_prints_one_object_per_question(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["ask", "--json", "-k", "2", "参训教师年龄有什么要求", "今天天气"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]
    first = lines[0]
    assert first["question"] == "参训教师年龄有什么要求"
    assert 1 <= len(first["hits"]) <= 2
    assert {"text", "score", "title", "doc_number", "date", "source"} <= set(first["hits"][0])
    assert "45周岁" in first["hits"][0]["text"]


def test_ask_reads_questions_from_stdin(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["ask", "--json"], input="国培专项资金怎么管理\n\n你好\n")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [answer["question"] for answer in answers] == ["国培专项资金怎么管理", "你好"]


def test_ask_plain_output_cites_the_notice(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["ask", "普通话培训参训教师年龄有什么要求"])
    assert result.exit_code == 0
    assert "45周岁" in result.stdout and "普通话培训班" in result.stdout
    assert "没有十足把握" not in result.stdout
    unsure = CliRunner().invoke(app, ["ask", "普通话培训班在哪里举办"])
    assert "没有十足把握" in unsure.stdout


def test_ask_says_why_it_declines(app: typer.Typer) -> None:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ask", "国培专家讲课费一节课多少钱"])
    assert "无法回答：没有找到写明这个数字" in result.output
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ask", "红烧肉怎么做"])
    assert "无法回答：收录的通知里没有能回答它的条款" in result.output


def test_deadlines_json(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["deadlines", "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(row["due"] == "2019-04-12" for row in rows)


def test_ingest_prints_the_cleaning_report(app: typer.Typer, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "当前位置:首页 > 通知公告\n某省教育厅关于做好2030年送教下乡培训的通知\n"
        "各市、县(区)教育局:\n一、培训安排\n送教下乡培训每学期不少于4次,每次不少于2天,"
        "由县级教师发展中心组织实施。\n青海11选5开奖结果 www.spam-example.net\n扫一扫分享本页\n",
        encoding="utf-8",
    )
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ingest", str(page), str(bad)])
    assert result.exit_code == 1
    assert "彩票" in result.stdout and "网站导航" in result.stdout
    assert "文件是空的" in result.stdout
    assert (tmp_path / "notices" / "page.txt").exists()


def test_ingest_keeps_a_second_notice_of_the_same_name_and_skips_a_copy(
    app: typer.Typer, tmp_path: Path
) -> None:
    first, second = tmp_path / "a" / "new-notice.txt", tmp_path / "b" / "new-notice.txt"
    for path, text in (
        (first, "工作坊坊主负责组织学员开展每月不少于两次的主题研讨。"),
        (
            second,
            "研习营安排毛笔楷书临摹、粉笔板书规范两个专题,每位学员须完成二十幅临摹作业。",
        ),
    ):
        path.parent.mkdir()
        path.write_text(
            "某省教育厅关于做好2030年教师研修的通知\n各市、县(区)教育局:\n一、研修安排\n"
            + text
            + "\n请各市于2030年6月30日前将研修总结报送省项目办。\n",
            encoding="utf-8",
        )
    runner = CliRunner(env={"COLUMNS": "400"})
    assert runner.invoke(app, ["ingest", str(first)]).exit_code == 0
    # The same title: a new version of the notice unless told to keep both.
    held = runner.invoke(app, ["ingest", str(second)])
    assert held.exit_code == 1 and "可能是它的新版本，未导入" in held.stdout
    result = runner.invoke(app, ["ingest", "--keep-both", str(second), str(first)])
    assert result.exit_code == 0, result.output
    kept = "已有另一份通知用了这个文件名（或只差扩展名），这份另存为 new-notice-2.txt"
    assert kept in result.stdout
    assert "与已有通知 new-notice.txt 内容相同，未重复导入" in result.stdout
    stored = sorted(path.name for path in (tmp_path / "notices").iterdir())
    assert stored == ["new-notice-2.txt", "new-notice.txt"]
    asked = runner.invoke(
        app, ["ask", "--json", "-k1", "坊主每月组织几次研讨", "要完成几幅临摹作业"]
    )
    answers = [json.loads(line) for line in asked.stdout.splitlines()]
    assert "每月不少于两次" in answers[0]["hits"][0]["text"]
    assert "二十幅临摹作业" in answers[1]["hits"][0]["text"]


def test_ingest_of_a_missing_file_says_so_in_chinese(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ingest", str(tmp_path / "no.txt")])
    assert result.exit_code == 1
    assert "找不到这个文件，请检查路径和文件名是否写对" in result.stdout
    assert "No such file" not in result.output


def test_a_passage_continuing_a_clause_comes_with_the_clause_heading(app: typer.Typer) -> None:
    question = "2019年国培要提炼几个优秀典型案例"
    result = CliRunner().invoke(app, ["ask", "--json", "-k", "1", question])
    (hit,) = json.loads(result.stdout)["hits"]
    assert hit["heading"] == "七、突出制度保障,不断完善支持服务体系"
    assert not hit["text"].startswith("七、") and hit["clause"] == "七、"

    plain = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ask", "-k", "1", question])
    assert "【七、突出制度保障,不断完善支持服务体系】" in plain.stdout


def test_a_numbered_clause_comes_with_the_headings_it_sits_under(app: typer.Typer) -> None:
    # 「参训学员每年脱产学习时间不少于42天」 continues clause 1 of (一) 教师培训团队置换脱产研修
    # 项目; without the headings above it, it would not say which project the 42 days are for.
    question = "云南置换研修一年脱产学习多少天"
    result = CliRunner().invoke(app, ["ask", "--json", "-k", "1", question])
    (hit,) = json.loads(result.stdout)["hits"]
    assert hit["text"].startswith("参训学员每年脱产学习时间不少于42天")
    assert hit["heading"] == "一、中西部项目 (一)教师培训团队置换脱产研修项目"


def test_ingest_counts_traditional_characters_apart_from_repairs(
    app: typer.Typer, tmp_path: Path
) -> None:
    page = tmp_path / "fanti.txt"
    page.write_text(
        "某省教育廳關於做好2030年送教下鄉培訓的通知\n各市、縣(區)教育局:\n一、培訓安排\n"
        "送教下鄉培訓每學期不少於4次,由縣級教師發展中心組織實施。\n",
        encoding="utf-8",
    )
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["ingest", str(page)])
    assert result.exit_code == 0, result.stdout
    assert "修复 0 处，繁体字转为简体" in result.stdout
