"""Replacing, removing and restoring notices; duplicates by cleaned text; and a knowledge base
noticing what another process changed on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import IngestError, KnowledgeBase
from knowledge import kb as kb_module
from tests.knowledge.samples import online_study_notice

QUESTION = "网络研修日志每月要写几篇"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "index", tmp_path / "notices")


def dues(kb: KnowledgeBase) -> list[str]:
    return [str(d.due) for d in kb.deadlines() if "研修总结" in d.text]


def test_copies_with_other_line_ends_encoding_or_newlines_are_duplicates(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    text = online_study_notice("三", "6月30日")
    files = {
        "wl.txt": text.encode(),
        "wl-crlf.txt": text.replace("\n", "\r\n").encode(),
        "wl-gbk.txt": text.encode("gb18030"),
        "wl-newline.txt": ("\n" + text + "\n\n").encode(),
        "wl-bom.txt": b"\xef\xbb\xbf" + text.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    before = kb.stats()["notices"]
    reports = kb.ingest([tmp_path / name for name in files])
    assert reports[0].stored_as == "wl.txt"
    assert [r.duplicate_of for r in reports[1:]] == ["wl.txt"] * 4
    assert all(not r.documents and not r.stored_as for r in reports[1:])
    assert kb.stats()["notices"] == before + 1
    assert sorted(p.name for p in (tmp_path / "notices").iterdir()) == ["wl.txt"]
    hits = kb.ask(QUESTION, k=3).hits
    assert sum("不少于三篇" in hit.text for hit in hits) == 1


def test_a_new_version_is_held_then_replaces_the_old_one(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    old, new = tmp_path / "v1" / "wl.txt", tmp_path / "v2" / "wl.txt"
    old.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    new.write_text(online_study_notice("五", "7月15日"), encoding="utf-8")
    kb.ingest([old])

    held = kb.ingest([new], on_same="ask")[0]
    assert held.held and held.same_as == ["wl.txt"] and held.stored_as is None
    assert held.notices[0]["doc_number"] == "某教〔2031〕3号"
    assert "三篇" in kb.ask(QUESTION).hits[0].text and dues(kb) == ["2031-06-30"]

    with pytest.raises(IngestError, match="已经不在知识库里"):
        kb.ingest([new], replace=["nonexistent.txt"])
    done = kb.ingest([new], replace=held.same_as)[0]
    assert done.stored_as == "wl.txt" and done.replaced == ["wl.txt"]
    hits = kb.ask(QUESTION, k=5).hits
    assert "五篇" in hits[0].text and not any("三篇" in hit.text for hit in hits)
    assert dues(kb) == ["2031-07-15"]
    assert (tmp_path / "notices" / "wl.txt").read_text(encoding="utf-8") == new.read_text(
        encoding="utf-8"
    )
    removed = list((tmp_path / "notices" / kb_module.REMOVED_DIR).iterdir())
    assert len(removed) == 1 and "三篇" in removed[0].read_text(encoding="utf-8")

    # Kept beside it when asked to; "replace" retires whatever has the same 文号.
    third = tmp_path / "wl3.txt"
    third.write_text(online_study_notice("六", "8月1日"), encoding="utf-8")
    kept = kb.ingest([third], on_same="keep")[0]
    assert kept.same_as == ["wl.txt"] and kept.stored_as and not kept.replaced
    assert sorted(dues(kb)) == ["2031-07-15", "2031-08-01"]
    fourth = tmp_path / "wl4.txt"
    fourth.write_text(online_study_notice("七", "9月1日"), encoding="utf-8")
    last = kb.ingest([fourth], on_same="replace")[0]
    assert sorted(last.replaced) == ["wl.txt", "wl3.txt"] and dues(kb) == ["2031-09-01"]


@pytest.mark.parametrize(
    "number", ["某教(2031)3号", "某教（2031）3号", "某教[2031]3号", "某教【2031】3号"]
)
def test_a_doc_number_in_other_brackets_is_the_same_notice(
    kb: KnowledgeBase, tmp_path: Path, number: str
) -> None:
    old, new = tmp_path / "wl.txt", tmp_path / "wl-revised.txt"
    old.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    revised = online_study_notice("五", "7月15日").replace("某教〔2031〕3号", number)
    new.write_text(
        revised.replace("网络研修管理的通知", "网络研修管理的补充通知"), encoding="utf-8"
    )
    kb.ingest([old])
    held = kb.ingest([new], on_same="ask")[0]
    assert held.held and held.same_as == ["wl.txt"]


def test_remove_and_restore_uploaded_and_shipped_notices(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    source = tmp_path / "wl.txt"
    source.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    kb.ingest([source])
    files = kb.notice_files()
    assert files[0]["name"] == "wl.txt" and not files[0]["shipped"]
    assert files[0]["notices"][0]["doc_number"] == "某教〔2031〕3号"
    age = kb.ask("参训教师年龄有什么要求").hits[0]
    shipped = next(f for f in files if any(n["title"] == age.title for n in f["notices"]))
    assert shipped["shipped"] and "45周岁" in age.text
    age_file = shipped["name"]

    with pytest.raises(IngestError, match="没有名为"):
        kb.remove(["wl.txt", "nonexistent.txt"])
    assert "三篇" in kb.ask(QUESTION).hits[0].text  # nothing changed

    assert kb.remove(["wl.txt", age_file]) == ["wl.txt", age_file]
    assert not kb.ask(QUESTION).answered or "三篇" not in kb.ask(QUESTION).hits[0].text
    assert not any("45周岁" in hit.text for hit in kb.ask("参训教师年龄有什么要求", k=5).hits)
    assert kb.hidden_files() == {age_file} and dues(kb) == []
    names = {f["name"] for f in kb.notice_files()}
    assert "wl.txt" not in names and age_file not in names

    assert kb.restore(age_file) == age_file
    assert kb.restore("wl.txt") == "wl.txt"
    assert "45周岁" in kb.ask("参训教师年龄有什么要求").hits[0].text
    assert "三篇" in kb.ask(QUESTION).hits[0].text and dues(kb) == ["2031-06-30"]
    with pytest.raises(IngestError, match="「wl.txt」没有被删除，正在使用中"):  # live again
        kb.restore("wl.txt")


def test_a_notice_named_with_brackets_is_restored(kb: KnowledgeBase, tmp_path: Path) -> None:
    source = tmp_path / "网络研修[2031]第3号.txt"  # `guopei-bot ingest` keeps names as they are
    source.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    kb.ingest([source])
    kb.remove([source.name])
    assert not kb.ask(QUESTION).answered or "三篇" not in kb.ask(QUESTION).hits[0].text

    assert kb.restore(source.name) == source.name
    assert "三篇" in kb.ask(QUESTION).hits[0].text


def test_another_process_changes_are_seen_before_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = KnowledgeBase.open(tmp_path / "index", tmp_path / "notices")
    assert not serving.changed()
    source = tmp_path / "wl.txt"
    source.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    other = KnowledgeBase.open(tmp_path / "index", tmp_path / "notices")  # `guopei-bot ingest`
    other.ingest([source])

    monkeypatch.setattr(kb_module, "CHECK_SECONDS", 0.0)
    assert serving.changed()
    assert not serving.ask(QUESTION).answered or "三篇" not in serving.ask(QUESTION).hits[0].text
    assert serving.refresh()  # from the cache the other process wrote: no rebuild
    assert "三篇" in serving.ask(QUESTION).hits[0].text and dues(serving) == ["2031-06-30"]
    assert not serving.changed() and not serving.refresh()

    other.remove(["wl.txt"])
    assert serving.changed() and serving.refresh()
    assert dues(serving) == []


def test_an_added_or_removed_notice_is_seen_at_once_a_rewrite_within_a_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding or removing a file changes the folder's mtime (two stats a question); a file
    rewritten in place is found by listing the folder, at most once a CHECK_SECONDS."""
    monkeypatch.setattr(kb_module, "CHECK_SECONDS", 3600.0)
    serving = KnowledgeBase.open(tmp_path / "index", tmp_path / "notices")
    assert not serving.changed()
    source = tmp_path / "wl.txt"
    source.write_text(online_study_notice("三", "6月30日"), encoding="utf-8")
    other = KnowledgeBase.open(tmp_path / "index", tmp_path / "notices")  # `guopei-bot ingest`
    other.ingest([source])
    assert serving.changed() and serving.refresh()  # at once, though the period is an hour

    stored = tmp_path / "notices" / "wl.txt"
    stored.write_text(
        online_study_notice("五", "6月30日"), encoding="utf-8"
    )  # in place: same name
    assert not serving.changed()  # looked less than CHECK_SECONDS ago
    serving._checked_at -= kb_module.CHECK_SECONDS
    assert serving.changed()
