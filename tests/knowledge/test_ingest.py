"""Ingesting uploaded notices: formats, bad input, all-or-nothing, cache reuse and rebuild."""

from __future__ import annotations

import warnings
from pathlib import Path

import docx
import pytest

from knowledge import IngestError, IngestReport, KnowledgeBase
from knowledge.ingest import parse_notice_file, parse_notice_text

NOTICE_LINES = [
    "某省教育厅关于做好2030年乡村教师研修工作坊管理的通知",
    "某教〔2030〕7号",
    "各市、县(区)教育局,有关单位:",
    "现就做好2030年乡村教师研修工作坊管理有关事宜通知如下。",
    "一、坊主职责",
    "工作坊坊主负责组织学员开展每月不少于两次的主题研讨,审阅学员提交的研修日志。",
    "二、材料报送",
    "请各市于2030年6月30日前将工作坊研修总结报送省项目办。",
    "某省教育厅",
    "2030年3月1日",
]


def write_docx(path: Path) -> Path:
    document = docx.Document()
    for line in NOTICE_LINES:
        document.add_paragraph(line)
    document.save(path)
    return path


def write_html(path: Path) -> Path:
    body = "".join(f"<p>{line}</p>" for line in NOTICE_LINES)
    nav = "<div>首页 > 通知公告</div><ul><li>彩票开奖结果 2030-01-01</li></ul>"
    path.write_text(
        f"<html><head><title>x</title></head><body>{nav}{body}"
        "<script>var a=1;</script><p>版权所有 某某网站</p></body></html>",
        encoding="utf-8",
    )
    return path


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text uses the built-in Chinese CID font (no font file needed)."""
    content = "BT /F1 12 Tf 50 800 Td 14 TL\n"
    for line in lines:
        content += "<" + line.encode("utf-16-be").hex() + "> Tj T*\n"
    content += "ET"
    stream = content.encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_notice_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(make_pdf(NOTICE_LINES))
    parsed = parse_notice_file(path)
    assert parsed.documents[0].doc_number == "某教〔2030〕7号"
    assert any("每月不少于两次" in passage.text for passage in parsed.passages)


@pytest.fixture
def fresh_kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "cache", tmp_path / "notices")


def test_docx_and_html_notices_are_parsed(tmp_path: Path) -> None:
    for path in (write_docx(tmp_path / "n.docx"), write_html(tmp_path / "n.html")):
        parsed = parse_notice_file(path)
        document = parsed.documents[0]
        assert document.title == NOTICE_LINES[0]
        assert document.doc_number == "某教〔2030〕7号"
        assert document.date == "2030-03-01"
        text = "\n".join(passage.text for passage in parsed.passages)
        assert "每月不少于两次" in text
        assert "彩票" not in text and "var a" not in text and "版权所有" not in text


def test_a_page_without_a_dated_signature_is_cited_with_its_publishing_date(
    tmp_path: Path,
) -> None:
    undated = [line for line in NOTICE_LINES if line != "2030年3月1日"]
    body = "".join(f"<p>{line}</p>" for line in undated[2:])
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><body><h1>{undated[0]}</h1><p>发文字号:某教〔2030〕7号 发布日期:2030-03-05</p>"
        f"{body}</body></html>",
        encoding="utf-8",
    )
    document = parse_notice_file(page).documents[0]
    assert (document.doc_number, document.date) == ("某教〔2030〕7号", "2030-03-05")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "空"),
        ("blank.md", b"   \n\n ", "空"),
        ("binary.txt", bytes(range(256)) * 4, "二进制"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "PDF"),
        ("nopdf.pdf", b"this is not a pdf", "PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("nav.html", "<html><body><a href='/'>首页</a> > 通知</body></html>".encode(), "正文"),
        (
            "short.txt",
            "关于报送研修总结的通知\n一、请于2026年12月25日前提交研修总结。".encode(),
            "正文只有 24 个汉字（至少要 40 个）",
        ),
        ("notice.xls", b"whatever", "不支持"),
    ],
)
def test_bad_input_raises_a_clear_error(tmp_path: Path, name: str, content: bytes, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as raised:
        parse_notice_file(path)
    assert message in str(raised.value)
    assert raised.value.path == str(path)


def test_ingest_makes_a_notice_answerable_at_once(fresh_kb: KnowledgeBase, tmp_path) -> None:
    before = fresh_kb.stats()["documents"]
    seen: list[Path] = []
    reports = fresh_kb.ingest([write_docx(tmp_path / "workshop.docx")], on_progress=seen.append)
    assert [type(report) for report in reports] == [IngestReport]
    assert reports[0].ok and reports[0].passages > 1
    assert seen == [tmp_path / "workshop.docx"]
    assert fresh_kb.stats()["documents"] == before + 1
    assert (tmp_path / "notices" / "workshop.docx").exists()
    answer = fresh_kb.ask("工作坊坊主每月要组织几次研讨")
    assert answer.answered and "每月不少于两次" in answer.hits[0].text
    due = [d for d in fresh_kb.deadlines() if d.doc_number == "某教〔2030〕7号"]
    assert due and due[0].due.isoformat() == "2030-06-30"


def test_a_bad_file_adds_nothing(fresh_kb: KnowledgeBase, tmp_path: Path) -> None:
    good = write_html(tmp_path / "good.html")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    before = fresh_kb.stats()
    with pytest.raises(IngestError):
        fresh_kb.ingest([good, bad])
    assert fresh_kb.stats() == before
    assert list((tmp_path / "notices").iterdir()) == []
    reports = fresh_kb.ingest([good, bad], skip_bad=True)
    assert [report.ok for report in reports] == [True, False]
    assert "PDF" in reports[1].error
    assert [p.name for p in (tmp_path / "notices").iterdir()] == ["good.html"]


def test_same_file_twice_is_not_duplicated(fresh_kb: KnowledgeBase, corpus_dir: Path) -> None:
    before = fresh_kb.stats()["documents"]
    report = fresh_kb.ingest([corpus_dir / "2019-jiaoshi-1.txt"])[0]
    assert report.duplicate_of == "2019-jiaoshi-1.txt"
    assert fresh_kb.stats()["documents"] == before


def test_cache_is_reused_and_rebuilt_when_notices_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, notices = tmp_path / "cache", tmp_path / "notices"
    first = KnowledgeBase.open(cache, notices)
    built_at = first.stats()["built_at"]
    assert len(list(cache.glob("jieba-words-*.trie"))) == 1
    assert len(list(cache.glob("kb-*.npz"))) == 1

    def no_build(*_args, **_kwargs):
        raise AssertionError("index rebuilt although nothing changed")

    monkeypatch.setattr(KnowledgeBase, "_build", no_build)
    again = KnowledgeBase.open(cache, notices)
    assert again.stats() == first.stats()
    assert again.ask("参训教师年龄有什么要求").hits[0].text == (
        first.ask("参训教师年龄有什么要求").hits[0].text
    )
    monkeypatch.undo()

    write_html(notices / "new.html")
    rebuilt = KnowledgeBase.open(cache, notices)
    assert rebuilt.stats()["documents"] == first.stats()["documents"] + 1
    assert len(list(cache.glob("kb-*.npz"))) == 1
    (notices / "new.html").unlink()
    assert KnowledgeBase.open(cache, notices).stats()["documents"] == first.stats()["documents"]
    assert built_at


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    KnowledgeBase.open(cache)
    for path in cache.glob("kb-*.npz"):
        path.write_bytes(b"not an npz")
    assert KnowledgeBase.open(cache).stats()["documents"] == 14


def test_a_page_blurb_is_searchable_but_not_counted_as_a_notice(kb: KnowledgeBase) -> None:
    stats = kb.stats()
    assert (stats["documents"], stats["notices"]) == (14, 13)
    answer = kb.ask("2010年以来实施国培的两所综合性大学是哪两所")
    assert answer.answered and "广州大学" in answer.hits[0].text
    assert answer.hits[0].title == "网页上的介绍文字（不是正式通知）"


def test_bad_file_in_notice_dir_is_skipped_not_fatal(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "junk.txt").write_bytes(b"")
    kb = KnowledgeBase.open(tmp_path / "cache", notices)
    assert kb.stats()["documents"] == 14
    assert any(report.error for report in kb.reports())


def test_questions_during_an_ingest_see_whole_states(fresh_kb: KnowledgeBase, tmp_path) -> None:
    import threading

    notice = write_docx(tmp_path / "workshop.docx")
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            fresh_kb.ingest([notice])
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=ingest)
    worker.start()
    while worker.is_alive():
        answer = fresh_kb.ask("参训教师年龄有什么要求")
        assert answer.answered and "45周岁" in answer.hits[0].text
    worker.join()
    assert not errors
    assert fresh_kb.ask("工作坊坊主每月要组织几次研讨").answered


WORKSHOP = "\n".join(NOTICE_LINES)
CALLIGRAPHY = "\n".join(
    [
        "某市教育局关于组织2030年教师暑期书法研习营的通知",
        "某市教〔2030〕12号",
        "各区县教育局:",
        "现就组织2030年教师暑期书法研习营有关事宜通知如下。",
        "一、研习内容",
        "研习营安排毛笔楷书临摹、粉笔板书规范两个专题,每位学员须完成二十幅临摹作业。",
        "二、报名方式",
        "请各区县于2030年5月20日前将报名汇总表报送市教师发展中心。",
        "某市教育局",
        "2030年4月1日",
    ]
)
WORKSHOP_QUESTION = "工作坊坊主每月要组织几次研讨"
CALLIGRAPHY_QUESTION = "书法研习营每位学员要完成多少幅临摹作业"


def notice_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_notice_with_a_name_already_used_is_kept_beside_the_old_one(
    fresh_kb: KnowledgeBase, tmp_path: Path
) -> None:
    first = notice_file(tmp_path / "a", "通知.txt", WORKSHOP)
    second = notice_file(tmp_path / "b", "通知.txt", CALLIGRAPHY)
    assert fresh_kb.ingest([first])[0].stored_as == "通知.txt"
    report = fresh_kb.ingest([second])[0]
    assert report.ok and report.renamed and report.stored_as == "通知-2.txt"
    stored = tmp_path / "notices"
    assert sorted(p.name for p in stored.iterdir()) == ["通知-2.txt", "通知.txt"]
    assert (stored / "通知.txt").read_text(encoding="utf-8") == WORKSHOP
    assert "每月不少于两次" in fresh_kb.ask(WORKSHOP_QUESTION).hits[0].text
    assert "二十幅临摹作业" in fresh_kb.ask(CALLIGRAPHY_QUESTION).hits[0].text
    # The report names the notice as the index does (its passages cite the stored file).
    titles = {d["doc_id"]: d["title"] for d in fresh_kb.documents()}
    assert titles[report.documents[0]] == "某市教育局关于组织2030年教师暑期书法研习营的通知"
    # Reopened from disk: both are still there.
    again = KnowledgeBase.open(tmp_path / "cache", stored)
    assert again.ask(WORKSHOP_QUESTION).answered and again.ask(CALLIGRAPHY_QUESTION).answered


def test_same_names_in_one_batch_and_a_shipped_name_are_all_kept(
    fresh_kb: KnowledgeBase, tmp_path: Path
) -> None:
    first = notice_file(tmp_path / "a", "附件.txt", WORKSHOP)
    second = notice_file(tmp_path / "b", "附件.TXT", CALLIGRAPHY)
    shipped_name = notice_file(tmp_path / "c", "2019-jiaoshi-1.txt", WORKSHOP + "\n补充。")
    before = fresh_kb.stats()["documents"]
    reports = fresh_kb.ingest([first, second, shipped_name])
    assert [r.stored_as for r in reports] == ["附件.txt", "附件-2.TXT", "2019-jiaoshi-1-2.txt"]
    assert fresh_kb.stats()["documents"] == before + 3
    assert fresh_kb.ask(CALLIGRAPHY_QUESTION).answered


def test_an_identical_notice_is_reported_as_a_duplicate_and_adds_nothing(
    fresh_kb: KnowledgeBase, tmp_path: Path
) -> None:
    fresh_kb.ingest([notice_file(tmp_path / "a", "通知.txt", WORKSHOP)])
    before = fresh_kb.stats()
    report = fresh_kb.ingest([notice_file(tmp_path / "b", "副本.txt", WORKSHOP)])[0]
    assert report.duplicate_of == "通知.txt"
    assert (report.documents, report.passages, report.stored_as) == ([], 0, None)
    assert fresh_kb.stats()["documents"] == before["documents"]
    assert [p.name for p in (tmp_path / "notices").iterdir()] == ["通知.txt"]


@pytest.mark.parametrize(
    ("target", "message"),
    [("missing.txt", "找不到这个文件"), ("folder.txt", "这是一个文件夹")],
)
def test_unreadable_paths_are_explained_in_chinese(
    tmp_path: Path, target: str, message: str
) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(IngestError) as raised:
        parse_notice_file(tmp_path / target)
    assert message in raised.value.reason
    assert not any("a" <= ch.lower() <= "z" for ch in raised.value.reason)


def test_a_truncated_pdf_is_refused_in_chinese_without_library_noise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    whole = make_pdf(NOTICE_LINES)
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[: len(whole) - 60])  # cut inside the xref table: no %%EOF
    with caplog.at_level("DEBUG"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(IngestError) as raised:
            parse_notice_file(path)
    assert "PDF 文件已损坏" in raised.value.reason and "重新" in raised.value.reason
    assert not any("a" <= ch.lower() <= "z" for ch in raised.value.reason.replace("PDF", ""))
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]
    assert not caught, [str(warning.message) for warning in caught]
    out, err = capfd.readouterr()
    assert "EOF" not in out + err


def test_a_sentence_announcing_a_list_keeps_the_list() -> None:
    notice = (
        "关于2027年国培计划测试县项目学员报到的通知\n测县教〔2027〕1号\n各学校：\n"
        "一、报到安排\n学员于2027年2月20日上午到县教师发展中心报到。\n"
        "二、报到须知\n学员报到时需携带以下材料：1.身份证；2.教师资格证；3.一寸照片2张。\n"
        "三、考核要求\n学员须完成以下任务：\n（一）全程参加集中研修，缺勤不超过总学时的10%；\n"
        "（二）提交研修日志不少于5篇；\n（三）完成一节汇报课。\n"
    )
    passages = {p.clause: p.text for p in parse_notice_text(notice, "报到.txt").passages}

    listed = "学员报到时需携带以下材料：\n1.身份证；\n2.教师资格证；\n3.一寸照片2张。"
    assert passages["二、"].endswith(listed)
    assert "（三）完成一节汇报课" in passages["三、"]
    assert not any(clause.startswith(("二、3", "三、(")) for clause in passages)
