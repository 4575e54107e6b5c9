"""Read notice files (.txt .md .html .pdf .docx) into plain text."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.errors import IngestError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, PageElement, Tag

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024
# The shipped notices have 450 to 6,600 characters (not counting white space), a long national
# plan some tens of thousands; a file with more text than this is refused, not ingested.
MAX_TEXT_CHARS = 500_000
TOO_MUCH_TEXT = (
    f"文件里的文字超过 {MAX_TEXT_CHARS // 10_000} 万字，远超一份通知（一份通知通常几千到几万字）。"
    "如果这是多份通知的汇编，请拆成几个文件分别上传"
)
# A .docx is a zip: a small file may unpack to gigabytes of XML (a zip bomb). A notice's .docx
# unpacks to a few MB at most, its XML packed some 5 to 20 times smaller.
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
DOCX_RATIO = 100
DOCX_RATIO_FROM = 10 * 1024 * 1024  # a small file may pack as tightly as it likes
# A notice's page has a few thousand tags; each costs the parser about 1 KB of memory.
MAX_HTML_TAGS = 300_000
HTML_TAG = re.compile(r"<[A-Za-z]")
# Longer runs of spaces or blank lines are cut to these (see squeeze_white_space).
MAX_SPACE_RUN = 16
LONG_SPACE = re.compile(r"[ \t\u3000\xa0]{17,}")
MAX_BLANK_LINES = 3
BLANK_LINES = re.compile(r"(?:[ \t\u3000\xa0\r]*\n){4,}")


def read_notice_file(path: Path) -> str:
    """Return the text of a notice file, or raise IngestError saying what is wrong."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}，请上传 .txt .md .html .pdf .docx",
            str(path),
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(_read_error(error), str(path)) from error
    if not data.strip():
        raise IngestError("文件是空的", str(path))
    if len(data) > MAX_FILE_BYTES:
        raise IngestError("文件太大（超过 20 MB）", str(path))
    if suffix == ".pdf":
        text = _read_pdf(data, path)
    elif suffix == ".docx":
        text = _read_docx(data, path)
    else:
        text = _decode_text(data, path)
        if suffix in (".html", ".htm") or _looks_like_html(text):
            _check_html_size(text, path)
            text = html_to_text(text)
        elif suffix == ".md":
            text = markdown_to_text(text)
    text = squeeze_white_space(text)
    if _visible_chars(text) > MAX_TEXT_CHARS:
        raise IngestError(TOO_MUCH_TEXT, str(path))
    if not text.strip():
        raise IngestError("文件中没有可读的文字", str(path))
    return text


def squeeze_white_space(text: str) -> str:
    """Runs of blank lines and of spaces cut to a few: no notice needs more, and cleaning a
    file that is mostly white space (20 MB of it) took half a minute."""
    text = LONG_SPACE.sub(lambda run: run.group()[:MAX_SPACE_RUN], text)
    return BLANK_LINES.sub("\n" * MAX_BLANK_LINES, text)


def _visible_chars(text: str) -> int:
    """The characters of a text that are not white space."""
    step = 1 << 20  # split() makes a string of every word: a million characters at a time
    return sum(len("".join(text[at : at + step].split())) for at in range(0, len(text), step))


def _check_html_size(html: str, path: Path) -> None:
    """Refuse a page with far more tags than any notice's page before parsing it."""
    tags = len(HTML_TAG.findall(html))
    if tags > MAX_HTML_TAGS:
        raise IngestError(
            f"这个网页有约 {tags // 10_000} 万个标签，远超一份通知的网页（通常几千个），"
            "不像一份通知。请把通知正文复制到 .txt 文件后再上传",
            str(path),
        )


def _read_error(error: OSError) -> str:
    """What went wrong reading a file, in Chinese, with what to do about it."""
    if isinstance(error, FileNotFoundError):
        return "找不到这个文件，请检查路径和文件名是否写对"
    if isinstance(error, IsADirectoryError):
        return "这是一个文件夹，不是文件；请给出文件夹里通知文件的路径"
    if isinstance(error, PermissionError):
        return "没有权限读取这个文件，请检查文件权限后再导入"
    return "无法读取这个文件，请确认它能正常打开后再导入"


def _decode_text(data: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 or GB18030, refusing binary data."""
    utf16 = _decode_utf16(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data[:4096]:
        raise IngestError("文件是二进制数据，不是文本通知", str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if control > 8:
            raise IngestError("文件是二进制数据，不是文本通知", str(path))
        return text
    raise IngestError("无法识别文件编码（既不是 UTF-8 也不是 GBK）", str(path))


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
    """Return the visible text of an HTML page, one block per line.

    A list of short links (a site menu) is one line, 「首页 | 机构设置 | 通知公告」, which
    cleaning recognises; its items one to a line would read as the title's first words. A data
    table's row is one line, its cells apart: 「1 | 甲市 | 30」; a layout table (whole paragraphs
    in its cells) stays one block per cell. Nothing in the tree is moved: one pass up it decides
    the menus and rows, one pass down writes the text, so the time is linear in the page's size
    however deep or wide it is (bs4's insert and replace walk the tree each time).

    A page whose notice title is only in its <title> (「…的通知_某某网站」, the text opening
    with the 文号) gets that title, its site's name cut off, as its first line.
    """
    from bs4 import BeautifulSoup, Tag

    from knowledge.notices import page_title_line

    soup = BeautifulSoup(html, "html.parser")
    menus, rows = _menus_and_rows(soup)
    shown = soup.interesting_string_types or _text_types()
    parts: list[str] = []
    # A string, a tag whose text comes next, or None: the newline after a block's text.
    pending: list[PageElement | None] = list(reversed(soup.contents))
    while pending:
        node = pending.pop()
        if node is None:
            parts.append("\n")
        elif not isinstance(node, Tag):
            if type(node) in shown:
                parts.append(str(node))
        elif node.name in HTML_HIDDEN:
            continue
        elif node.name == "br":
            parts.append("\n")
        elif (line := menus.get(id(node), rows.get(id(node)))) is not None:
            parts.append("\n" + line + "\n")
        else:
            if node.name in HTML_BLOCKS:
                parts.append("\n")
                pending.append(None)
            pending.extend(reversed(node.contents))
    text = "".join(parts)
    titles = (tag for tag in soup.find_all("title") if tag.find_parent("svg") is None)
    page_title = next(titles, None)
    title = page_title_line(page_title.get_text(" "), text) if page_title else ""
    return f"{title}\n{text}" if title else text


HTML_HIDDEN = frozenset({"script", "style", "noscript", "iframe", "svg", "head", "nav"})
HTML_BLOCKS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
)
HTML_NESTING = frozenset({"table", "p", "div", "ul"})  # in a cell: a layout table
MENU_ITEM_CHARS = 8
CELL_CHARS = 40
# What a site puts between the links of a menu or breadcrumb (「首页 | 政务公开」「首页 > 通知」).
LINK_SEPARATOR = re.compile(r"[\s|｜>›»·•/\\、,，-]*")
BREADCRUMB_ARROW = re.compile(r"[>›»]")


@dataclass
class _Facts:
    """What the pass up the tree knows of one tag's text: its words joined by spaces (as
    get_text(" ", strip=True) gives them), cut a character past what the checks need."""

    item: str  # the text as it is: a site menu's item is at most MENU_ITEM_CHARS
    cell: str  # the text with the menus inside on one line: a data cell is at most CELL_CHARS
    nested: bool  # a table, paragraph, division or (not a menu) list inside
    link: str = ""  # the text of the one short link the tag is or holds, and nothing else


def _menus_and_rows(soup: BeautifulSoup) -> tuple[dict[int, str], dict[int, str]]:
    """The site menus and data-table rows of a page, by id of their tag: the line each is."""
    from bs4 import Tag

    order: list[Tag] = []
    stack: list[Tag] = [soup]
    while stack:
        tag = stack.pop()
        order.append(tag)
        stack.extend(
            child
            for child in tag.contents
            if isinstance(child, Tag) and child.name not in HTML_HIDDEN and child.name != "br"
        )
    words = _text_types()
    facts: dict[int, _Facts] = {}
    menus: dict[int, str] = {}
    rows: dict[int, str] = {}
    for tag in reversed(order):  # every tag after the tags inside it
        items: list[str] = []
        cells: list[str] = []
        nested = False
        links: list[str] = []  # the short links side by side in the tag
        only_links = True  # and nothing else but separators (| > ·) between them
        arrows = False
        for child in tag.contents:
            if isinstance(child, Tag):
                known = facts.get(id(child))
                if known is None:  # hidden, or a line break
                    continue
                items.append(known.item)
                cells.append(menus.get(id(child), known.cell))
                nested = nested or (
                    id(child) not in menus and (child.name in HTML_NESTING or known.nested)
                )
                if known.link:
                    links.append(known.link)
                elif known.item:
                    only_links = False
            elif type(child) in words:
                text = child.strip()[: CELL_CHARS + 1]
                items.append(text)
                cells.append(text)
                if not LINK_SEPARATOR.fullmatch(text):
                    only_links = False
                arrows = arrows or BREADCRUMB_ARROW.search(text) is not None
        item = _joined(items, MENU_ITEM_CHARS)
        link = ""
        if tag.name == "a":
            link = item if len(item) <= MENU_ITEM_CHARS else ""
        elif only_links and len(links) == 1:
            link = links[0]  # a link wrapped in an item, a span, a division
        facts[id(tag)] = _Facts(item, _joined(cells, CELL_CHARS), nested, link)
        if tag.name in ("ul", "ol"):
            menu = [facts[id(item)].item for item in _children(tag, ("li",))]
            if len(menu) >= 3 and all(0 < len(item) <= MENU_ITEM_CHARS for item in menu):
                menus[id(tag)] = " | ".join(menu)
        if tag.name != "a" and id(tag) not in menus and only_links and len(links) >= 2:
            # A run of short links and nothing else is a site's menu or breadcrumb: one line
            # of its own (「首页 | 政务公开 | 登录」), which cleaning removes and no title takes
            # in; their words run together (首页政务公开登录) were read as the title's start.
            menus[id(tag)] = (" > " if arrows else " | ").join(links)
        if tag.name == "tr":
            row = [facts[id(cell)] for cell in _children(tag, ("td", "th"))]
            if (
                row
                and not any(cell.nested for cell in row)
                and all(len(cell.cell) <= CELL_CHARS for cell in row)
            ):
                rows[id(tag)] = " | ".join(cell.cell for cell in row)
    return menus, rows


def _children(tag: Tag, names: tuple[str, ...]) -> list[Tag]:
    from bs4 import Tag

    return [child for child in tag.contents if isinstance(child, Tag) and child.name in names]


def _joined(words: list[str], limit: int) -> str:
    """The non-empty words joined by spaces, cut one character past `limit`."""
    text = ""
    for word in words:
        if word:
            text = f"{text} {word}" if text else word
            if len(text) > limit:
                return text[: limit + 1]
    return text


def _text_types() -> set[type]:
    from bs4 import CData, NavigableString

    return {NavigableString, CData}


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

    broken = "PDF 文件已损坏（可能没有完整下载），无法读取。请重新下载或重新导出 PDF 后再上传"
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError("PDF 文件已损坏（缺少 %PDF 文件头）。请重新导出 PDF 后再上传", str(path))
    pages: list[str] = []
    read = 0
    try:
        # pypdf reports what it repairs through logging and warnings, in English: the reader
        # gets one Chinese message (or the text) instead.
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(data))
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                read += _visible_chars(pages[-1])
                if read > MAX_TEXT_CHARS:
                    break
    except Exception as error:  # pypdf raises many ad-hoc types on broken files
        raise IngestError(broken, str(path)) from error
    if read > MAX_TEXT_CHARS:
        raise IngestError(TOO_MUCH_TEXT, str(path))
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(
            "PDF 中没有文字层（可能是扫描件），无法提取文字。请上传含文字的 PDF 或 Word 文件",
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

    _check_docx_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError(NOT_DOCX, str(path)) from error
    except Exception as error:
        raise IngestError(
            "Word 文件无法读取，可能已损坏。请在 Word 里打开并另存为 .docx 后再上传", str(path)
        ) from error
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    read = 0
    # In document order: a table stays under the clause that introduces it.
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
            read += _visible_chars(lines[-1])
        elif tag == "tbl":
            rows = _docx_table_lines(Table(element, document))
            lines += rows
            read += sum(_visible_chars(row) for row in rows)
        if read > MAX_TEXT_CHARS:
            raise IngestError(TOO_MUCH_TEXT, str(path))
    return "\n".join(lines)


NOT_DOCX = "Word 文件已损坏或不是 .docx 格式。旧版 .doc 文件请在 Word 里另存为 .docx 后再上传"


def _check_docx_zip(data: bytes, path: Path) -> None:
    """Refuse a .docx that is no Word file, or that unpacks to far more than a notice, from
    the sizes its zip directory declares (Python's zipfile never unpacks more than those)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise IngestError(NOT_DOCX, str(path)) from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(name.startswith("word/") for name in names):
        raise IngestError(NOT_DOCX, str(path))
    unpacked = sum(member.file_size for member in members)
    ratio = unpacked // max(len(data), 1)
    packed_tightly = unpacked > DOCX_RATIO_FROM and ratio > DOCX_RATIO
    if unpacked > MAX_DOCX_UNPACKED or packed_tightly:
        times = f"，是文件本身的 {ratio} 倍" if packed_tightly else ""
        raise IngestError(
            f"这个 .docx 解压后过大（约 {unpacked / 1024 / 1024:.0f} MB{times}），不像一份通知。"
            "请在 Word 里把通知另存为 PDF，或把正文复制到 .txt 文件后再上传",
            str(path),
        )


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
