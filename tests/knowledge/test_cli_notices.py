"""The command line's notices: `ingest` of a folder and of a new version (held, --replace,
--keep-both), `notices`, `remove`, `restore` (refused for a copy of a live notice, without
--force for one a live file has the 文号 of, and for a file in use: said so); `ask` on stdin in
GBK or with a BOM and CRLF, never printing invalid UTF-8, not wrapped when piped;
`ask --curated`; `kbstats` with the notice count (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from sqlmodel import Session
from typer.testing import CliRunner

from tests.knowledge.conftest import knowledge_cli
from tests.knowledge.samples import MUSIC, online_study_notice


@pytest.fixture
def app(tmp_path: Path) -> typer.Typer:
    """The knowledge commands over an index of this test's own."""
    return knowledge_cli(tmp_path / "index", tmp_path / "notices")


def run(app: typer.Typer, *args: str, input: bytes | str | None = None):
    return CliRunner(env={"COLUMNS": "80"}).invoke(app, list(args), input=input)


def test_ingest_walks_a_folder(app: typer.Typer, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    (folder / "wl.txt").write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    (folder / "sub" / "yinyue.txt").write_text(MUSIC, encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    (folder / ".hidden.txt").write_text(MUSIC, encoding="utf-8")
    result = run(app, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 个通知文件，跳过 1 个其他文件" in result.stdout
    assert sorted(p.name for p in (tmp_path / "notices").iterdir()) == ["wl.txt", "yinyue.txt"]

    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run(app, "ingest", str(empty))
    assert refused.exit_code == 1 and "这是一个文件夹，里面没有 .txt" in refused.stdout


def test_new_version_held_then_replaced_listed_removed_restored(
    app: typer.Typer, tmp_path: Path
) -> None:
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "wl.txt").write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    (tmp_path / "v2" / "wl.txt").write_text(online_study_notice("五", "7月15日"), encoding="utf-8")
    crlf = tmp_path / "wl-crlf.txt"
    crlf.write_bytes(online_study_notice("三", "6月30日").replace("\n", "\r\n").encode("gb18030"))
    assert run(app, "ingest", str(tmp_path / "v1" / "wl.txt")).exit_code == 0

    same = run(app, "ingest", str(crlf))
    assert same.exit_code == 0 and "与已有通知 wl.txt 内容相同，未重复导入" in same.stdout

    held = run(app, "ingest", str(tmp_path / "v2" / "wl.txt"))
    assert held.exit_code == 1
    assert "文号或标题相同，可能是它的新版本，未导入" in held.stdout
    assert "某教〔2031〕3号" in held.stdout and "--replace" in held.stdout
    assert run(app, "ingest", "--replace", "--keep-both", str(crlf)).exit_code == 2

    replaced = run(app, "ingest", "--replace", str(tmp_path / "v2" / "wl.txt"))
    assert replaced.exit_code == 0, replaced.output
    assert "替换了旧版本 wl.txt" in replaced.stdout
    dues = [
        json.loads(line)["due"]
        for line in run(app, "deadlines", "--json").stdout.split("\n")
        if "研修总结" in line
    ]
    assert dues == ["2031-07-15"]
    answer = json.loads(run(app, "ask", "--json", "-k", "5", "网络研修日志每月要写几篇").stdout)
    assert "五篇" in answer["hits"][0]["text"]
    assert not any("三篇" in hit["text"] for hit in answer["hits"])

    listing = run(app, "notices", "--json")
    files = [json.loads(line) for line in listing.stdout.splitlines()]
    assert files[0]["name"] == "wl.txt" and not files[0]["shipped"]
    assert files[0]["notices"][0]["doc_number"] == "某教〔2031〕3号"
    shipped = next(f["name"] for f in files if f["shipped"])

    missing = run(app, "remove", "nonexistent.txt")
    assert missing.exit_code == 1 and "没有名为「nonexistent.txt」" in missing.output
    removed = run(app, "remove", "wl.txt", shipped)
    assert removed.exit_code == 0, removed.output
    assert f"已删除 {shipped}" in removed.stdout
    assert not any(
        "研修总结" in line for line in run(app, "deadlines", "--json").stdout.split("\n")
    )
    text = run(app, "notices").stdout
    assert "已删除（隐藏）的内置通知" in text and shipped in text
    assert "已删除的上传通知：wl.txt" in text
    assert run(app, "restore", shipped).exit_code == 0
    assert "已删除（隐藏）" not in run(app, "notices").stdout
    restored = run(app, "restore", "wl.txt")
    assert restored.exit_code == 0 and "已恢复 wl.txt" in restored.stdout
    assert "五篇" in run(app, "ask", "--json", "网络研修日志每月要写几篇").stdout


TITLE = "某省教育厅关于做好2031年乡村教师网络研修管理的通知"


def write_notice(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def state(tmp_path: Path) -> tuple[list[str], list[str], str]:
    """What a restore may change: the stored notice files, the removed ones, the hidden list."""
    notices = tmp_path / "notices"
    removed = notices / ".removed"
    hidden = notices / ".hidden"
    return (
        sorted(path.name for path in notices.iterdir() if path.is_file()),
        sorted(path.name for path in removed.iterdir()) if removed.is_dir() else [],
        hidden.read_text("utf-8") if hidden.exists() else "",
    )


def test_restore_brings_a_removed_notice_back(app: typer.Typer, tmp_path: Path) -> None:
    notice = write_notice(tmp_path, "wl.txt", online_study_notice("三", "6月30日"))
    assert run(app, "ingest", str(notice)).exit_code == 0
    assert run(app, "remove", "wl.txt").exit_code == 0
    assert "三篇" not in run(app, "ask", "--json", "网络研修日志每月要写几篇").stdout

    restored = run(app, "restore", "wl.txt")
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith("已恢复 wl.txt；知识库：") and restored.stderr == ""
    assert "文号或标题相同" not in restored.stdout
    assert state(tmp_path)[:2] == (["wl.txt"], [])
    assert "三篇" in run(app, "ask", "--json", "网络研修日志每月要写几篇").stdout


def test_restore_refuses_a_copy_of_a_live_notice(app: typer.Typer, tmp_path: Path) -> None:
    notice = write_notice(tmp_path, "wl.txt", online_study_notice("三", "6月30日"))
    assert run(app, "ingest", str(notice)).exit_code == 0
    assert run(app, "remove", "wl.txt").exit_code == 0
    assert run(app, "ingest", str(notice)).exit_code == 0  # the same file uploaded again
    before = state(tmp_path)
    assert before[0] == ["wl.txt"] and len(before[1]) == 1

    for args in (["restore", "wl.txt"], ["restore", "--force", "wl.txt"]):
        refused = run(app, *args)
        assert refused.exit_code == 1, (args, refused.output)
        assert refused.stderr.replace("\n", "") == (
            f"✗ 没有恢复 wl.txt：它和知识库里的 wl.txt（《{TITLE}》 某教〔2031〕3号） 内容相同，"
            "恢复后每条都会答两遍，不必恢复。知识库没有改动。"
        )
        assert "已恢复" not in refused.stdout
        assert state(tmp_path) == before
    answer = json.loads(run(app, "ask", "--json", "-k", "5", "网络研修日志每月要写几篇").stdout)
    assert sum("三篇" in hit["text"] for hit in answer["hits"]) == 1


def test_restore_of_a_notice_a_live_file_has_the_doc_number_of_needs_force(
    app: typer.Typer, tmp_path: Path
) -> None:
    old = write_notice(tmp_path, "wl.txt", online_study_notice("三", "6月30日"))
    assert run(app, "ingest", str(old)).exit_code == 0
    assert run(app, "remove", "wl.txt").exit_code == 0
    revised = online_study_notice("五", "7月15日").replace("网络研修管理的通知", "网络研修的通知")
    new = write_notice(tmp_path, "wl-v2.txt", revised)  # another title, the same 文号
    assert run(app, "ingest", str(new)).exit_code == 0
    before = state(tmp_path)
    assert before[0] == ["wl-v2.txt"] and len(before[1]) == 1

    refused = run(app, "restore", "wl.txt")
    assert refused.exit_code == 1, refused.output
    said = refused.stderr.replace("\n", "")
    assert said.startswith("✗ 没有恢复 wl.txt：知识库里的 wl-v2.txt（《某省教育厅关于做好")
    assert "某教〔2031〕3号） 文号或标题与它相同" in said
    assert "仍要恢复请加 --force：guopei-bot restore --force wl.txt。知识库没有改动。" in said
    assert state(tmp_path) == before
    assert "三篇" not in run(app, "ask", "--json", "-k", "5", "网络研修日志每月要写几篇").stdout

    forced = run(app, "restore", "--force", "wl.txt")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.startswith("已恢复 wl.txt；")
    assert "与 wl-v2.txt（《某省教育厅关于做好2031年乡村教师网络研修的通知》 " in forced.stdout
    assert "两份都会被引用；只要其中一份的话，请用 guopei-bot remove 删除另一份" in forced.stdout
    assert state(tmp_path)[:2] == (["wl-v2.txt", "wl.txt"], [])
    hits = run(app, "ask", "--json", "-k", "5", "网络研修日志每月要写几篇").stdout
    assert "三篇" in hits and "五篇" in hits


def test_restore_of_a_notice_in_use_says_it_is_not_removed(
    app: typer.Typer, tmp_path: Path
) -> None:
    """QA9 L6 (c): `restore NAME` of a live file (uploaded or shipped) with nothing of that
    name removed says it is in use, not that no removed notice was found; it fails (exit 1)
    and changes nothing. A name that is neither still says nothing removed is called so."""
    notice = write_notice(tmp_path, "wl.txt", online_study_notice("三", "6月30日"))
    assert run(app, "ingest", str(notice)).exit_code == 0
    files = [json.loads(line) for line in run(app, "notices", "--json").stdout.splitlines()]
    shipped = next(entry["name"] for entry in files if entry["shipped"])
    before = state(tmp_path)

    for name in ("wl.txt", shipped):
        refused = run(app, "restore", name)
        assert refused.exit_code == 1, refused.output
        assert refused.stderr.replace("\n", "") == (
            f"✗ 没有恢复 {name}：它没有被删除，正在使用中，不必恢复。"
            "正在使用的和已删除的通知见 guopei-bot notices。"
        )
        assert "没有找到" not in refused.output and refused.stdout == ""
        assert state(tmp_path) == before

    unknown = run(app, "restore", "nonexistent.txt")
    assert unknown.exit_code == 1 and "没有找到已删除的通知「nonexistent.txt」" in unknown.stderr
    assert "正在使用" not in unknown.stderr and state(tmp_path) == before


def test_ask_reads_gbk_bom_and_crlf_and_writes_valid_utf8(app: typer.Typer) -> None:
    stdin = (
        b"\xef\xbb\xbf"
        + "参训教师年龄有什么要求\r\n".encode()
        + "培训经费怎么管理\r\n".encode("gb18030")
        + b"\xff\xfe\xff\n"
        + "你好\n".encode()
    )
    result = run(app, "ask", "--json", "-k", "1", input=stdin)
    assert result.exit_code == 1  # one line could not be read
    lines = result.stdout_bytes.decode("utf-8").splitlines()  # strict: valid UTF-8
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == [
        "参训教师年龄有什么要求",
        "培训经费怎么管理",
        "你好",
    ]
    assert answers[0]["answered"] and answers[1]["answered"]
    assert "第 3 行既不是 UTF-8 也不是 GBK 编码" in result.stderr


def test_ask_arguments_in_another_encoding_are_read_too(app: typer.Typer) -> None:
    gbk = "培训经费".encode("gb18030").decode("utf-8", "surrogateescape")  # as the shell passes
    result = run(app, "ask", "--json", "-k", "1", gbk)
    assert result.exit_code == 0
    assert json.loads(result.stdout_bytes.decode("utf-8"))["question"] == "培训经费"


def test_piped_output_is_not_wrapped(app: typer.Typer) -> None:
    result = run(app, "ask", "-k", "1", "参训教师年龄有什么要求")
    assert result.exit_code == 0
    long_lines = [line for line in result.stdout.splitlines() if "45周岁" in line]
    assert long_lines and len(long_lines[0]) > 80  # one line, as the clause is written


def test_kbstats_counts_notices_and_ask_curated_matches_managers_answers(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import app as cli
    from bot.db import question_crud
    from bot.db.session import make_engine, upgrade

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        question_crud.add_curated(
            session,
            question="结业证书什么时候发",
            answer="培训结束后两周内由项目办统一寄出。",
            created_by=5,
        )
    engine.dispose()

    stats = CliRunner().invoke(cli, ["kbstats"])
    assert stats.exit_code == 0, stats.output
    assert re.search(r"通知 \d+ 篇，条款段落 \d+ 个", stats.stdout)
    as_json = json.loads(CliRunner().invoke(cli, ["kbstats", "--json"]).stdout)
    assert as_json["index"]["notices"] > 10

    plain = json.loads(CliRunner().invoke(cli, ["ask", "--json", "结业证书什么时候发"]).stdout)
    assert "curated_answer" not in plain
    curated = CliRunner().invoke(cli, ["ask", "--json", "--curated", "结业证书什么时候发"])
    assert curated.exit_code == 0, curated.output
    assert json.loads(curated.stdout)["curated_answer"] == "培训结束后两周内由项目办统一寄出。"
