"""Hostile notice files are refused whole, in Chinese, before they cost minutes or gigabytes: a
.docx zip bomb (refused from its zip directory, never unpacked), a zip that is no Word file, a
file with far more text than any notice, a page of hundreds of thousands of tags; a deeply
nested page is read in time linear in its size and keeps its text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from knowledge import IngestError, KnowledgeBase
from knowledge.ingest import parse_notice_file
from knowledge.loaders import MAX_HTML_TAGS, MAX_TEXT_CHARS, html_to_text, squeeze_white_space
from tests.knowledge.test_ingest import NOTICE_LINES, write_docx

PARAGRAPH = "<w:p><w:r><w:t>各省教育厅要加强国培计划培训经费管理,确保专款专用。</w:t></w:r></w:p>"


@pytest.fixture
def fresh_kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "cache", tmp_path / "notices")


def zip_bomb(path: Path, paragraphs: int) -> Path:
    """A real .docx whose document.xml repeats one paragraph: some 80 KB unpacking to 13 MB."""
    base = write_docx(path.with_name("base.docx"))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename != "word/document.xml":
                out.writestr(member, data)
                continue
            head, tail = data.decode().split("<w:body>", 1)
            with out.open("word/document.xml", "w") as xml:
                xml.write((head + "<w:body>").encode())
                chunk = (PARAGRAPH * 1000).encode()
                for _ in range(paragraphs // 1000):
                    xml.write(chunk)
                xml.write(tail.encode())
    return path


def test_a_docx_zip_bomb_is_refused_without_unpacking_it(
    fresh_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zip_bomb(tmp_path / "通知.docx", 120_000)
    assert bomb.stat().st_size < 200_000
    before = fresh_kb.stats()

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bomb was handed to python-docx")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(IngestError) as raised:
        fresh_kb.ingest([bomb])
    reason = raised.value.reason
    assert reason.startswith("这个 .docx 解压后过大（约 13 MB，是文件本身的 ")
    assert "不像一份通知" in reason and "另存为 PDF" in reason
    assert fresh_kb.stats() == before
    assert not (tmp_path / "notices").exists() or not any((tmp_path / "notices").iterdir())


def test_a_small_real_docx_still_reads(tmp_path: Path) -> None:
    parsed = parse_notice_file(write_docx(tmp_path / "n.docx"))
    assert parsed.documents[0].doc_number == "某教〔2030〕7号"


def test_a_zip_that_is_no_word_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "通知.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("通知.txt", "\n".join(NOTICE_LINES))
    path.write_bytes(buffer.getvalue())
    with pytest.raises(IngestError) as raised:
        parse_notice_file(path)
    assert raised.value.reason.startswith("Word 文件已损坏或不是 .docx 格式")


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".html"])
def test_far_more_text_than_any_notice_is_refused_whole(
    fresh_kb: KnowledgeBase, tmp_path: Path, suffix: str
) -> None:
    filler = "各省教育厅要加强国培计划培训经费管理,确保专款专用。" * 2000  # 52,000 characters
    lines = [*NOTICE_LINES, *[filler] * (MAX_TEXT_CHARS // len(filler) + 1)]
    path = tmp_path / f"汇编{suffix}"
    if suffix == ".docx":
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(path)
    elif suffix == ".html":
        body = "".join(f"<p>{line}</p>" for line in lines)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    else:
        path.write_text("\n".join(lines), encoding="utf-8")
    before = fresh_kb.stats()
    with pytest.raises(IngestError) as raised:
        fresh_kb.ingest([path])
    assert raised.value.reason.startswith("文件里的文字超过 50 万字，远超一份通知")
    assert "拆成几个文件分别上传" in raised.value.reason
    assert fresh_kb.stats() == before


def test_a_page_of_more_tags_than_any_notice_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    tags = "<i>国</i>" * (MAX_HTML_TAGS + 1)
    path.write_text(f"<html><body>{tags}</body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        parse_notice_file(path)
    assert raised.value.reason.startswith("这个网页有约 30 万个标签，远超一份通知的网页")


def test_a_notice_nested_twenty_thousand_divisions_deep_is_read(tmp_path: Path) -> None:
    depth = 20_000
    body = "".join(f"<p>{line}</p>" for line in NOTICE_LINES)
    page = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    text = html_to_text(page)
    assert text == "\n" * depth + "".join(f"\n{line}\n" for line in NOTICE_LINES) + "\n" * depth
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    document = parse_notice_file(path).documents[0]
    assert (document.title, document.doc_number) == (NOTICE_LINES[0], "某教〔2030〕7号")


def test_deeply_nested_lists_and_tables_keep_their_text() -> None:
    depth = 20_000
    lists = "<ul><li>" * depth + "培训经费" + "</li></ul>" * depth
    assert html_to_text(lists) == "\n" * depth + "培训经费" + "\n" * depth
    tables = "<table><tr><td>" * depth + "培训经费" + "</td></tr></table>" * depth
    # The innermost row is a data row on its own line; the rows around it hold a table.
    assert html_to_text(tables) == "\n" * depth + "培训经费" + "\n" * depth


def test_menus_and_table_rows_read_as_before() -> None:
    page = (
        "<ul><li>首页</li><li>机构设置</li><li><br>通知公告</li></ul>"
        "<table><tr><th>序号</th><td>地市</td><td>名额</td></tr>"
        "<tr><td>1</td><td><ol><li>甲市</li><li>乙市</li><li>丙市</li></ol></td><td>30</td></tr>"
        "<tr><td><p>第一段</p></td><td>第二段</td></tr></table>"
        "<ul><li>很长很长很长很长的一项</li><li>短</li><li>短</li></ul>"
    )
    assert html_to_text(page) == (
        "\n首页 | 机构设置 | 通知公告\n"
        "\n序号 | 地市 | 名额\n"
        "\n1 | 甲市 | 乙市 | 丙市 | 30\n"
        "\n\n第一段\n第二段\n"  # a layout row: one block a cell
        "\n很长很长很长很长的一项\n\n短\n\n短\n"  # no menu: an item is too long
    )


def test_runs_of_spaces_and_blank_lines_are_cut_short() -> None:
    text = "一、培训对象" + " " * 100 + "各县教师\n" + "  \n" * 50 + "二、培训时间\u3000\u3000"
    squeezed = "一、培训对象" + " " * 16 + "各县教师\n\n\n二、培训时间\u3000\u3000"
    assert squeeze_white_space(text) == squeezed


def test_a_notice_padded_with_megabytes_of_white_space_reads_as_the_notice(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("\n".join(NOTICE_LINES), encoding="utf-8")
    padded = tmp_path / "padded.txt"
    padding = " " * 300_000 + "\t" * 1000 + "\n" * 100_000
    padded.write_text(padding.join(NOTICE_LINES), encoding="utf-8")
    assert padded.stat().st_size > 2 * 1024 * 1024

    expected, got = parse_notice_file(plain, "通知.txt"), parse_notice_file(padded, "通知.txt")

    assert [d.title for d in got.documents] == [d.title for d in expected.documents]
    assert [p.text for p in got.passages] == [p.text for p in expected.passages]
