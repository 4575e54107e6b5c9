"""Turn one cleaned page into notices: header block, splitting, metadata and clause passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from knowledge.cleaning import is_breadcrumb

CJK = "\u4e00-\u9fff"
CN_NUM = "一二三四五六七八九十"
HEADER_KEYS = ("title", "doc_number", "issuer", "date", "source")
HEADER_LINE = re.compile(r"^([A-Za-z_]+)\s*[:：]\s?(.*)$")
HEADER_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
TITLE_END = re.compile(r"(通知|意见|办法|方案|公告|决定|规划|计划|培训班|纲要|标准)(\(节选\))?$")
DOC_NUMBER = re.compile(
    rf"([{CJK}]{{0,6}})\s*[〔\[［【(（](\d{{4}})[〕\]］】)）]\s*(\d{{1,4}})\s*号"
)
DOC_NUMBER_PREFIX = re.compile(rf"^(?:{DOC_NUMBER.pattern})\s*")
# What may precede a document number without being part of it (「…的通知〔2010〕4号」).
NOT_NUMBER_PREFIX = re.compile(r".*(?:通知|意见|办法|方案|公告|决定|的|》|、|号|关于|印发)")
ADDRESSEE = re.compile(
    r"^(各|有关)[^。]{2,300}(教育厅|教委|教育局|财政厅|财政局|师范大学|单位)[^。]{0,120}[:：]"
)
NEWS_OPENING = re.compile(
    rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日[,，]"
    rf"([{CJK}]{{1,12}}?(?:办公厅|部|厅|委|局))(?=向|发布|印发|下发|[,，])"
)
SIGNATURE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
TABLE_FIELDS = {
    "title": re.compile(r"信息名称[:：]\s*(\S[^\n]*?)\s*$", re.M),
    "doc_number": re.compile(r"(?:发文字号[:：]|【文号】)\s*(\S+?)(?:\s|$)", re.M),
    "issuer": re.compile(r"(?:发文机构[:：]|【制定机关】)\s*(\S[^\n]*?)\s*$", re.M),
    "date": re.compile(r"(?:生成日期[:：]|【公布日期】)\s*(\d{4}[-.]\d{1,2}[-.]\d{1,2})", re.M),
    "published": re.compile(
        r"(?:生成日期|发布时间|發布時間|发布日期)[:：]\s*(\d{4}[-.]\d{1,2}[-.]\d{1,2})", re.M
    ),
    "category": re.compile(r"(?:信息类别[:：]|【主题分类】)\s*(\S+)", re.M),
    "authority_level": re.compile(r"(?:【效力等级】|效力等级[:：])\s*(\S+?)(?:\s|$)", re.M),
    "validity": re.compile(r"(?:【时效性】|时效性[:：]|有效性[:：])\s*(\S+?)(?:\s|$)", re.M),
    "index_number": re.compile(r"(?:信息索引号?|索引号)[:：]\s*(\S+?)(?:\s|$)", re.M),
}
# Pinyin glossed after a character on some pages: 發(fā)布時間.
PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]{1,6}\)")
CLAUSE_PATTERNS = (
    (0, re.compile(rf"^(第[{CN_NUM}]+章)\s*")),
    (1, re.compile(rf"^([{CN_NUM}]+、)")),
    (1, re.compile(rf"^(第[{CN_NUM}]+)[,，、]")),
    (2, re.compile(rf"^([(（][{CN_NUM}]+[)）])")),
    (2, re.compile(rf"^(第[{CN_NUM}]+条)")),
    (3, re.compile(r"^(\d{1,2}\s*[.．、])(?!\d)")),
    (4, re.compile(r"^([(（]\d{1,2}[)）])")),
)
INLINE_CLAUSE = re.compile(
    rf"(?<=[。;；!！:：])\s*(?=(?:[{CN_NUM}]{{1,3}}、|\d{{1,2}}[.．](?=[{CJK}])|[(（][{CN_NUM}]{{1,3}}[)）]))"
)
PASSAGE_TARGET = 300
PASSAGE_MAX = 420


@dataclass
class NoticeDraft:
    """A notice found in a page, before it gets an id."""

    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    source: str = ""
    attachments: list[str] = field(default_factory=list)
    addressee: str = ""
    text: str = ""


def parse_header(raw: str) -> tuple[dict[str, str], str]:
    """Split a leading `key: value` header block ended by `---` from the body."""
    lines = raw.lstrip("\ufeff").split("\n")
    header: dict[str, str] = {}
    for index, line in enumerate(lines[:30]):
        if not line.strip() and not header:
            continue  # blank lines before the block
        if line.strip() == "---":
            if header:
                return header, "\n".join(lines[index + 1 :])
            break
        match = HEADER_LINE.match(line.strip())
        if not match:
            break
        header[match.group(1).lower()] = match.group(2).strip()
    return {}, raw


def header_date(value: str) -> str | None:
    """A header's date as 2031-02-15 (also from 2031/02/15, 2031.2.15, 2031年2月15日), a year
    or year-month as 2031 or 2031-02; None if it is no date of the calendar."""
    value = value.strip()
    if re.fullmatch(r"\d{4}年?", value):
        return value[:4]  # a year alone, as a fragment's source gives it
    month = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", value)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{month.group(1)}-{int(month.group(2)):02d}"
    match = HEADER_DATE.match(value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def page_table_metadata(raw: str) -> dict[str, str]:
    """Metadata from a government site's information table (信息名称 / 发文字号 / 【文号】 …)."""
    found = {}
    raw = PINYIN_NOTE.sub("", raw)
    for key, pattern in TABLE_FIELDS.items():
        match = pattern.search(raw)
        if match:
            found[key] = match.group(1).strip()
    return found


def split_notices(text: str) -> list[str]:
    """Split a page holding several notices into one text per notice."""
    text = re.sub(r"(?<=[号知见])(?=(?:各省|有关省)、)", "\n", text)
    lines = [line.strip() for line in text.split("\n")]
    starts: list[int] = []
    for index, line in enumerate(lines):
        if ADDRESSEE.match(line):
            start = _title_start(lines, index)
            if not starts or _body_length(lines, starts[-1], start) > 300:
                starts.append(start)
            elif _body_length(lines, starts[-1], start) > 60 and any(
                SIGNATURE_DATE.match(previous) for previous in lines[starts[-1] : start]
            ):
                # A short notice, signed and dated, then the next one (a 文件汇编).
                starts.append(start)
        elif _is_news_heading(lines, index) and (
            not starts or _body_length(lines, starts[-1], index) > 300
        ):
            starts.append(index)
    if not starts:
        return [text.strip()] if text.strip() else []
    pieces = []
    lead = "\n".join(lines[: starts[0]]).strip()
    bounds = starts + [len(lines)]
    for begin, end in zip(bounds, bounds[1:], strict=False):
        pieces.append("\n".join(lines[begin:end]).strip())
    if lead:
        if _cjk_count(lead) >= 100:
            pieces.insert(0, lead)
        else:
            pieces[0] = lead + "\n" + pieces[0]
    return [piece for piece in pieces if piece]


def _title_start(lines: list[str], addressee_index: int) -> int:
    """Walk back from an addressee line over the title and document-number lines."""
    start = addressee_index
    index = addressee_index - 1
    while index >= 0 and addressee_index - index <= 8:
        line = lines[index]
        if not line:
            index -= 1
            continue
        if "。" in line or len(line) > 70 or _ends_previous_notice(line):
            break
        start = index
        index -= 1
    return start


def _ends_previous_notice(line: str) -> bool:
    """The previous notice's signature date, attachment list or distribution lines."""
    return bool(
        SIGNATURE_DATE.match(line)
        or re.match(r"^(?:附件|抄送|[(（]此件|印发|联系人|联系电话)", line)
        or re.match(r"^\d+\s*[.．、]", line)
    )


def _is_news_heading(lines: list[str], index: int) -> bool:
    line = lines[index]
    if not line or len(line) > 30 or "。" in line:
        return False
    for following in lines[index + 1 : index + 4]:
        if following:
            return bool(NEWS_OPENING.match(following)) and bool(
                re.search("通知|印发|发布|决定", following[:80])
            )
    return False


def _body_length(lines: list[str], begin: int, end: int) -> int:
    return sum(len(line) for line in lines[begin:end])


def _cjk_count(text: str) -> int:
    return len(re.findall(f"[{CJK}]", text))


def find_metadata(text: str) -> NoticeDraft:
    """Find title, document number, issuer, date, addressee and attachments in a notice's own
    text."""
    lines = [line for line in text.split("\n") if line.strip()]
    head = lines[:10]
    draft = NoticeDraft(text=text)
    draft.title = _find_title(head) or ""
    head_text = "\n".join(line for line in head if "。" not in line and "《" not in line)
    number = DOC_NUMBER.search(head_text)
    if number:
        draft.doc_number = format_doc_number(number)
    draft.issuer, draft.date = _find_issuer_and_date(lines, draft.title)
    draft.attachments = find_attachments(lines)
    # The 文号 may be glued in front (财教〔2022〕96号有关省、…:).
    addressed = (ADDRESSEE.match(DOC_NUMBER_PREFIX.sub("", line.strip())) for line in lines[:15])
    draft.addressee = next((match.group(0)[:-1] for match in addressed if match), "")
    if not draft.title:
        draft.title = _derive_title(text, draft.issuer) or _first_phrase(head)
    return draft


def format_doc_number(match: re.Match) -> str:
    """「教师厅〔2019〕2号」 from a DOC_NUMBER match, brackets normalised."""
    prefix = NOT_NUMBER_PREFIX.sub("", match.group(1) or "")
    return f"{prefix}〔{match.group(2)}〕{match.group(3)}号"


# A run of short links a page's loader wrote as one line (「首页 | 政务公开 | 登录」, a breadcrumb
# 「首页 > 通知公告」), or a data table's row: never a part of a title.
LINK_RUN_SEPARATOR = re.compile(r"\s*[|｜]\s*|\s*[>›»]\s*")
LINK_RUN_ITEM = re.compile(r"[^。，,；;：:《》“”]{1,12}")


def is_link_run(line: str) -> bool:
    """「首页 | 政务公开」「首页 > 通知公告 > 正文」: two or more short items between a menu's
    separators (| or >), nothing like a sentence among them; or a breadcrumb with its location
    prefix (「您现在的位置：首页 > 通知公告」, 「所在位置：首页 / 通知」)."""
    if is_breadcrumb(line):
        return True
    items = LINK_RUN_SEPARATOR.split(line.strip())
    return len(items) >= 2 and all(LINK_RUN_ITEM.fullmatch(item) for item in items)


# An issuer's name as a title starts with it: 「某省教育厅关于」「教育部等八部门关于」.
ISSUER_END = r"(?:部|厅|委|局|办|院|署|会|室|门|政府|中心|学校|大学|学院)"
OWN_ISSUER = re.compile(rf"^[^《“\"]{{2,60}}?{ISSUER_END}\s*关于")
ISSUER_TAIL = re.compile(rf"{ISSUER_END}$")


def _find_title(head: list[str]) -> str | None:
    """Join short heading lines until one ends like a title (…的通知, …意见). A site's menu
    line is never joined, nor words above a line that opens with its own issuer
    (「某省教育厅关于…」) unless they name issuers too: the title starts there."""
    for begin in range(len(head)):
        joined = ""
        for line in head[begin : begin + 4]:
            if "。" in line or ADDRESSEE.match(line) or is_link_run(line):
                break
            number = DOC_NUMBER.search(line)
            segment = line[: number.start() + len(number.group(1))] if number else line
            if number and DOC_NUMBER.fullmatch(line.strip()):
                segment = ""
            if (
                joined
                and "关于" not in joined
                and not ISSUER_TAIL.search(joined)
                and OWN_ISSUER.match(segment.strip())
            ):
                break  # 「首页」「登录」 above 「某省教育厅关于…的通知」: not the title's words
            joined += segment.strip()
            if TITLE_END.search(joined) and len(joined) >= 8 and "关于" in joined:
                return joined
            if TITLE_END.search(joined) and len(joined) >= 8 and begin + 1 < len(head):
                following = head[begin + 1] if len(head) > begin + 1 else ""
                if NEWS_OPENING.match(following):
                    return joined
    return None


def _find_issuer_and_date(lines: list[str], title: str) -> tuple[str, str]:
    issuer = ""
    date = ""
    for index in range(len(lines) - 1, max(len(lines) - 12, -1), -1):
        match = SIGNATURE_DATE.match(lines[index].strip())
        if match:
            date = _iso(*match.groups())
            signers = []
            for previous in lines[max(0, index - 3) : index]:
                previous = previous.strip()
                if (
                    len(previous) <= 40
                    and "。" not in previous
                    and re.search("部|厅|委|局|办公室|政府", previous)
                    and not re.match(r"^\d|^附件", previous)
                ):
                    signers.append(previous)
            issuer = " ".join(signers)
            break
    for line in lines[:6]:
        news = NEWS_OPENING.match(line)
        if news:
            date = date or _iso(*news.groups()[:3])
            issuer = issuer or news.group(4)
            break
    if not issuer and "关于" in title:
        issuer = " ".join(part for part in re.split(r"[、\s]+", title.split("关于")[0]) if part)
    return issuer, date


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _derive_title(text: str, issuer: str) -> str | None:
    """Build a title for a notice whose page dropped it, from 「决定实施…,…提出以下意见」."""
    match = re.search(rf"决定(实施|举办|开展)([{CJK}\d.]{{4,40}}?)[(（,，。]", text)
    if not match:
        return None
    kind = "意见" if "意见" in text[: match.end() + 200] else "通知"
    return f"{issuer.replace(' ', '、')}关于{match.group(1)}{match.group(2)}的{kind}"


def _first_phrase(head: list[str]) -> str:
    """Fallback title: the opening phrase of the text. A text that opens with its 文号 is named
    by what follows it, none if that is the addressee and a clause: a 文号 cited as the title
    would show twice."""
    if not head:
        return ""
    if not DOC_NUMBER_PREFIX.match(head[0].strip()):
        return re.split(r"[,，。;；:：]", head[0])[0][:40]
    for line in head:
        line = DOC_NUMBER_PREFIX.sub("", line.strip())
        if not line or ADDRESSEE.match(line):
            continue
        if _clause_marker(line)[0] is not None:
            return ""
        return re.split(r"[,，。;；:：]", line)[0][:40]
    return ""


# The title a page carries in its <title>: a notice's title, then the site's name after a
# separator (「…的通知_中华人民共和国教育部政府门户网站」「…的通知 - 某某网」「…的通知|某平台」).
PAGE_TITLE_SEPARATOR = re.compile(r"\s*[_|｜]\s*|\s+[-–—]+\s+|\s*(?:--|——|::)\s*")
PAGE_TITLE_END = re.compile(
    r"(?:通知|意见|办法|方案|公告|通告|公示|决定|规划|计划|纲要|标准|培训班|细则|规定|函)"
    r"(?:\(节选\)|（节选）)?$"
)
SITE_AFTER_DASH = re.compile(r"^(.{6,}?)[-–—]+[^-–—\d]{2,30}$")  # no digits: 2021-2025年
PAGE_TITLE_LINES = 40  # the lines of a page looked at for a title of its own


def page_title_line(page_title: str, text: str) -> str:
    """The notice title in a page's <title> (its site's name cut off), when the page's text
    has no title line of its own: government pages often show it only there and open the text
    with the 文号. Otherwise "" (a site's name alone, 「首页」, a compilation's name)."""
    title = _notice_title_in(" ".join(page_title.split()))
    if not title:
        return ""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:PAGE_TITLE_LINES]
    squeezed = "".join(title.split())
    if any("".join(line.split()) == squeezed for line in lines) or _find_title(lines):
        return ""
    return title


def _notice_title_in(page_title: str) -> str:
    """The part of a <title> that names a notice (ending like one, or 「关于…」), else ""."""
    for part in PAGE_TITLE_SEPARATOR.split(page_title):
        dashed = SITE_AFTER_DASH.match(part)
        candidates = [part.strip(), dashed.group(1).strip() if dashed else ""]
        candidates = [c for c in candidates if len(re.findall(f"[{CJK}]", c)) >= 6]
        for candidate in candidates:
            if PAGE_TITLE_END.search(candidate):
                return candidate
        if candidates and candidates[-1].startswith("关于"):
            return candidates[-1]
    return ""


def find_attachments(lines: list[str]) -> list[str]:
    """Return attachment names listed after 「附件:」."""
    attachments: list[str] = []
    for index, line in enumerate(lines):
        match = re.match(r"^附件[:：]\s*(.*)$", line.strip())
        if not match:
            continue
        first = match.group(1).strip()
        if first:
            attachments.append(re.sub(r"^\d+\s*[.．、]\s*", "", first))
        for following in lines[index + 1 : index + 12]:
            item = re.match(r"^\d+\s*[.．、]\s*(.+)$", following.strip())
            if not item or len(following) > 80 or "。" in following:
                break
            attachments.append(item.group(1).strip())
        break
    return attachments


@dataclass
class ClauseBlock:
    """A passage's text with its clause path (e.g. "二、(三)") and heading for context."""

    clause: str
    text: str
    heading: str = ""


def split_passages(text: str) -> list[ClauseBlock]:
    """Cut a notice body into clause-sized passages, each knowing its clause path."""
    text = INLINE_CLAUSE.sub("\n", text)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line and not _is_signature_line(line)]
    path: dict[int, str] = {}
    blocks: list[ClauseBlock] = []
    pending_heading = ""
    # The heading-only lines above the current line, by level: a passage lacking them carries
    # them (「(一)教师培训团队置换脱产研修项目」 over every passage of its clause).
    headings: dict[int, str] = {}
    for index, line in enumerate(lines):
        level, marker = _clause_marker(line)
        if level is None and blocks and not pending_heading and _is_list_row(lines, index):
            # A list or table line under the clause's sentence (「甲市 30人」「1 | 甲市 | 30」).
            if len(blocks[-1].text) + len(line) < PASSAGE_MAX:
                blocks[-1].text += "\n" + line
            else:
                blocks.append(ClauseBlock(blocks[-1].clause, line, blocks[-1].heading))
            continue
        if level is not None:
            path = {lvl: mark for lvl, mark in path.items() if lvl < level}
            path[level] = marker
        elif _is_plain_heading(line):
            path = {0: path[0]} if 0 in path else {}
            path[1] = line[:16]
            level = 1
        if level is not None:
            headings = {lvl: text for lvl, text in headings.items() if lvl < level}
        clause = "".join(path[lvl] for lvl in sorted(path))
        if level is not None and _is_heading_only(line):
            pending_heading = (pending_heading + "\n" + line).strip() if pending_heading else line
            headings[level] = line
            continue
        body = f"{pending_heading}\n{line}" if pending_heading else line
        shown_above = pending_heading.split("\n") if pending_heading else []
        pending_heading = ""
        if blocks and len(line) < 30 and level is None and blocks[-1].clause == clause:
            blocks[-1].text += "\n" + line
            continue
        for number, piece in enumerate(_chunk(body)):
            if len(re.findall(f"[{CJK}]", piece)) >= 8:
                above = [
                    text
                    for _, text in sorted(headings.items())
                    if not (number == 0 and text in shown_above)
                ]
                heading = "\n".join(above)
                blocks.append(ClauseBlock(clause=clause, text=piece, heading=heading))
    if pending_heading and len(re.findall(f"[{CJK}]", pending_heading)) >= 8:
        blocks.append(
            ClauseBlock(clause="".join(path[lvl] for lvl in sorted(path)), text=pending_heading)
        )
    return _join_list_intros(blocks)


def _join_list_intros(blocks: list[ClauseBlock]) -> list[ClauseBlock]:
    """A clause sentence that announces a list (「学员报到时需携带以下材料：」) keeps the list that
    follows it as its sub-clauses, when both fit one passage: alone it answers nothing."""
    joined: list[ClauseBlock] = []
    for block in blocks:
        intro = joined[-1] if joined else None
        if (
            intro is not None
            and intro.clause
            and intro.text.rstrip().endswith(("：", ":"))
            and block.clause.startswith(intro.clause)
            and block.clause != intro.clause
            and len(intro.text) + len(block.text) < PASSAGE_MAX
        ):
            intro.text += "\n" + block.text
            continue
        joined.append(block)
    return joined


def _clause_marker(line: str) -> tuple[int | None, str]:
    for level, pattern in CLAUSE_PATTERNS:
        match = pattern.match(line)
        if match:
            marker = match.group(1).replace("（", "(").replace("）", ")").replace(" ", "")
            marker = marker.replace("．", ".")
            if level == 1 and marker.startswith("第"):
                marker = marker + "、"
            return level, marker
    return None, ""


def _is_list_row(lines: list[str], index: int) -> bool:
    """A short line of a list or table: cells apart (「1 | 甲市 | 30」), or one of several short
    unpunctuated lines in a row with nothing under the last (a heading has a paragraph below)."""
    line = lines[index]
    if " | " in line:
        return True
    if not _is_plain_heading(line):
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if not following or _is_plain_heading(following) or " | " in following:
        return True
    level, _ = _clause_marker(following)
    return level is not None and level <= 1 and index > 0 and _is_list_row_before(lines, index)


def _is_list_row_before(lines: list[str], index: int) -> bool:
    previous = lines[index - 1]
    return _clause_marker(previous)[0] is None and (
        " | " in previous or _is_plain_heading(previous)
    )


def _is_heading_only(line: str) -> bool:
    return len(line) <= 40 and not re.search(r"。.", line) and not line.endswith("。")


def _is_plain_heading(line: str) -> bool:
    """An unnumbered short heading such as 「经费拨付及使用」."""
    return (
        4 <= len(line) <= 20
        and not re.search("[。,，;；:：、]", line)
        and not SIGNATURE_DATE.match(line)
        and not DOC_NUMBER.search(line)
    )


def _is_signature_line(line: str) -> bool:
    return bool(SIGNATURE_DATE.match(line))


def _chunk(text: str) -> list[str]:
    """Split an over-long paragraph at sentence ends into pieces of about PASSAGE_TARGET."""
    if len(text) <= PASSAGE_MAX:
        return [text]
    sentences = re.findall(r"[^。;；!?！？]*[。;；!?！？]?", text)
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        if not sentence:
            continue
        if current and len(current) + len(sentence) > PASSAGE_TARGET:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces
