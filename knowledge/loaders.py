"""Read notice files (.txt .md .html .pdf .docx) into plain text."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_notice_file(path: Path) -> str:
    """Return the text of a notice file, or raise IngestError saying what is wrong."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"不支持的文件类型 {suffix or '(无扩展名)'},请上传 .txt .md .html .pdf .docx",
            str(path),
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(_read_error(error), str(path)) from error
    if not data.strip():
        raise IngestError("文件是空的", str(path))
    if len(data) > MAX_FILE_BYTES:
        raise IngestError("文件太大(超过 20 MB)", str(path))
    if suffix == ".pdf":
        text = _read_pdf(data, path)
    elif suffix == ".docx":
        text = _read_docx(data, path)
    else:
        text = _decode_text(data, path)
        if suffix in (".html", ".htm") or _looks_like_html(text):
            text = html_to_text(text)
        elif suffix == ".md":
            text = markdown_to_text(text)
    if not text.strip():
        raise IngestError("文件中没有可读的文字", str(path))
    return text


def _read_error(error: OSError) -> str:
    """What went wrong reading a file, in Chinese, with what to do about it."""
    if isinstance(error, FileNotFoundError):
        return "找不到这个文件,请检查路径和文件名是否写对"
    if isinstance(error, IsADirectoryError):
        return "这是一个文件夹,不是文件;请给出文件夹里通知文件的路径"
    if isinstance(error, PermissionError):
        return "没有权限读取这个文件,请检查文件权限后再导入"
    return "无法读取这个文件,请确认它能正常打开后再导入"


def _decode_text(data: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 or GB18030, refusing binary data."""
    utf16 = _decode_utf16(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data[:4096]:
        raise IngestError("文件是二进制数据,不是文本通知", str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if control > 8:
            raise IngestError("文件是二进制数据,不是文本通知", str(path))
        return text
    raise IngestError("无法识别文件编码(既不是 UTF-8 也不是 GBK)", str(path))


def _decode_utf16(data: bytes) -> str | None:
    """Notepad's 「Unicode」 (UTF-16 with its byte-order mark), or UTF-16 text without one
    (zero bytes, yet every character printable once read as UTF-16): the text, else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    sample = data[:4096]
    if len(data) < 4 or len(data) % 2 or b"\x00" not in sample:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text[:2048]
        readable = sum(1 for ch in head if ch.isprintable() or ch in "\r\n\t")
        chinese = sum(1 for ch in head if "\u4e00" <= ch <= "\u9fff")
        if readable >= 0.98 * len(head) and (chinese or "\n" in head):
            return text
    return None


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<!doctype html" in head


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML page, one block per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "iframe", "svg", "head"]):
        tag.decompose()
    for tag in soup(["nav"]):
        tag.decompose()
    for tag in soup.find_all(["br"]):
        tag.replace_with("\n")
    for menu in soup.find_all(["ul", "ol"]):
        # A list of short links (a site menu) on one line, 「首页 | 机构设置 | 通知公告」, which
        # cleaning recognises; its items one to a line would read as the title's first words.
        items = [item.get_text(" ", strip=True) for item in menu.find_all("li", recursive=False)]
        if len(items) >= 3 and all(0 < len(item) <= 8 for item in items):
            menu.replace_with("\n" + " | ".join(items) + "\n")
    for row in soup.find_all("tr"):
        # A data table's row on one line, its cells apart: 「1 | 甲市 | 30」. A layout table
        # (whole paragraphs in its cells) stays one block per cell.
        cells = row.find_all(["td", "th"], recursive=False)
        texts = [cell.get_text(" ", strip=True) for cell in cells]
        nested = any(cell.find(["table", "p", "div", "br", "ul"]) for cell in cells)
        if cells and not nested and all(len(text) <= 40 for text in texts):
            row.replace_with("\n" + " | ".join(texts) + "\n")
    blocks = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article")
    for tag in soup.find_all(blocks):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return soup.get_text()


MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
MD_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)(?=\S)(.+?)(?<=\S)\1")
MD_CODE = re.compile(r"`([^`]+)`")


def markdown_to_text(text: str) -> str:
    """The text of a Markdown notice: no heading marks, emphasis, table pipes or link syntax.

    「## 一、研修要求」 becomes the clause line 「一、研修要求」, a link 「[国培平台](http://…)」
    its text and address 「国培平台(http://…)」, a table row 「| 线上 | 60 |」 「线上 | 60」. A
    header block (title:, doc_number: … then ---) is left as it is.
    """
    from knowledge.notices import parse_header

    header, body = parse_header(text)
    converted = [text[: len(text) - len(body)].rstrip("\n")] if header else []
    for line in body.split("\n"):
        if MD_RULE.match(line) or MD_TABLE_RULE.match(line) or line.strip().startswith("```"):
            converted.append("")
            continue
        line = MD_QUOTE.sub("", line)
        heading = MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = MD_BULLET.sub("", line)
        line = MD_IMAGE.sub(r"\1", line)
        line = MD_LINK.sub(lambda m: f"{m.group(1)}({m.group(2)})", line)
        line = MD_CODE.sub(r"\1", line)
        for _ in range(2):  # ***both*** and **bold *inside***
            line = MD_EMPHASIS.sub(r"\2", line)
        if line.strip().startswith("|") or line.strip().endswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            line = " | ".join(cells)
        converted.append(line.rstrip())
    return "\n".join(converted)


def _read_pdf(data: bytes, path: Path) -> str:
    """Return the text of a PDF, raising IngestError if it is corrupt or scanned."""
    from pypdf import PdfReader

    broken = "PDF 文件已损坏(可能没有完整下载),无法读取。请重新下载或重新导出 PDF 后再上传"
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError("PDF 文件已损坏(缺少 %PDF 文件头)。请重新导出 PDF 后再上传", str(path))
    try:
        # pypdf reports what it repairs through logging and warnings, in English: the reader
        # gets one Chinese message (or the text) instead.
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:  # pypdf raises many ad-hoc types on broken files
        raise IngestError(broken, str(path)) from error
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(
            "PDF 中没有文字层(可能是扫描件),无法提取文字。请上传含文字的 PDF 或 Word 文件",
            str(path),
        )
    return text


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _read_docx(data: bytes, path: Path) -> str:
    """Return the paragraphs and table cells of a .docx file."""
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError(
            "Word 文件已损坏或不是 .docx 格式。旧版 .doc 文件请在 Word 里另存为 .docx 后再上传",
            str(path),
        ) from error
    except Exception as error:
        raise IngestError(
            "Word 文件无法读取,可能已损坏。请在 Word 里打开并另存为 .docx 后再上传", str(path)
        ) from error
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    # In document order: a table stays under the clause that introduces it.
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            lines += _docx_table_lines(Table(element, document))
    return "\n".join(lines)


def _docx_table_lines(table) -> list[str]:
    """One line a row, cells apart (「线上学习 | 60学时」); a merged cell is read once."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(" | ".join(cells))
    return lines
