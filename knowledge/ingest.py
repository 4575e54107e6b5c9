"""Ingest one notice file: read, clean, split into notices, find metadata, cut passages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.cleaning import clean_text, to_simplified
from knowledge.errors import IngestError
from knowledge.loaders import read_notice_file
from knowledge.models import BLURB_TITLE, Document, IngestReport, Passage
from knowledge.notices import (
    ADDRESSEE,
    DOC_NUMBER,
    DOC_NUMBER_PREFIX,
    HEADER_KEYS,
    NEWS_OPENING,
    SIGNATURE_DATE,
    TITLE_END,
    find_metadata,
    header_date,
    page_table_metadata,
    parse_header,
    split_notices,
    split_passages,
)

MIN_NOTICE_CJK = 40
# A site's own paragraph beside a notice on a page is shorter than this (in Chinese characters).
BLURB_MAX_CJK = 400
HEAD_LINES = 12
CLAUSE_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[.．、]|第)"
)


@dataclass
class ParsedFile:
    """Everything one file contributes to the knowledge base."""

    documents: list[Document]
    passages: list[Passage]
    report: IngestReport


def parse_notice_file(path: Path, name: str | None = None) -> ParsedFile:
    """Parse a notice file completely, or raise IngestError without side effects."""
    raw = read_notice_file(path)
    try:
        return parse_notice_text(raw, name or path.name)
    except IngestError as error:
        raise IngestError(error.reason, str(path)) from None


def parse_notice_text(raw: str, name: str) -> ParsedFile:
    """Parse the text of a notice file named `name`."""
    header, body = parse_header(raw)
    if header.get("date"):
        iso = header_date(header["date"])
        if iso is None:
            raise IngestError(
                f"文件头部的 date: {header['date']} 不是有效日期，请写成 2031-02-15 这样的格式",
                name,
            )
        header["date"] = iso
    table = page_table_metadata(body)
    cleaned = clean_text(body)
    chinese = len(re.findall(r"[\u4e00-\u9fff]", cleaned.text))
    if chinese < MIN_NOTICE_CJK:
        raise IngestError(
            f"清理后正文只有 {chinese} 个汉字（至少要 {MIN_NOTICE_CJK} 个），不像一份完整的通知"
            "（网页可能只有导航、广告或空白）。请发送通知全文",
            name,
        )
    if not header and not has_notice_signals(cleaned.text):
        raise IngestError(not_a_notice_reason(cleaned.text), name)
    pieces = [cleaned.text] if header else split_notices(cleaned.text)
    pieces = [piece for piece in pieces if len(re.findall(r"[\u4e00-\u9fff]", piece)) >= 20]
    if not pieces:
        raise IngestError("没有找到通知正文", name)
    stem = Path(name).stem
    documents: list[Document] = []
    passages: list[Passage] = []
    for number, piece in enumerate(pieces, start=1):
        draft = find_metadata(piece)
        fields = {
            "title": draft.title,
            "doc_number": draft.doc_number,
            "issuer": draft.issuer,
            "date": draft.date,
            "source": draft.source,
            "addressee": draft.addressee,
            "validity": "",
            "authority_level": "",
            "category": "",
            "published": "",
            "index_number": "",
        }
        if len(pieces) == 1:
            # A site's table names the notice reliably, but its date is when the page was made:
            # the signature date in the text wins over it.
            for key, value in table.items():
                if value and not (key == "date" and fields["date"]):
                    fields[key] = value.replace(".", "-") if key == "date" else value
            for key in HEADER_KEYS:
                if header.get(key):
                    fields[key] = to_simplified(header[key]) if key != "source" else header[key]
        if not fields["date"] and fields["published"]:
            # No date in the notice itself: cite the page's publishing date rather than none.
            fields["date"] = fields["published"].replace(".", "-")
        if not fields["source"]:
            fields["source"] = name
        if len(pieces) > 1 and _is_page_blurb(piece, fields):
            # A site's own paragraph beside the notices on a page: searchable, but no notice,
            # so its first words must not be cited as a notice's title.
            fields["title"] = BLURB_TITLE
        doc_id = stem if len(pieces) == 1 else f"{stem}#{number}"
        document = Document(
            doc_id=doc_id,
            attachments=draft.attachments,
            text=piece,
            file=name,
            **fields,
        )
        documents.append(document)
        passages.append(Passage(doc_id, "", metadata_passage(document), kind="meta"))
        if document.addressee:
            # Its own passage: a long list of recipients would bury the title and 文号 above.
            # It repeats the 文号, so 「财教〔2022〕96号主送哪些部门」 finds it as well as that.
            number = f"\n发文字号:{document.doc_number}" if document.doc_number else ""
            addressed = f"{document.title}{number}\n主送单位:{document.addressee}"
            passages.append(Passage(doc_id, "", addressed, kind="meta"))
        for block in split_passages(notice_body(piece, document.title)):
            passages.append(Passage(doc_id, block.clause, block.text, block.heading))
    report = IngestReport(
        path=name,
        # The notices: a site's blurb is stored and searchable, but no notice to count or name.
        documents=[document.doc_id for document in documents if document.is_notice],
        passages=len(passages),
        removed=dict(cleaned.removed),
        samples=cleaned.samples,
        repaired=cleaned.repaired,
        simplified=cleaned.simplified,
    )
    return ParsedFile(documents, passages, report)


# What a site shows instead of the page asked for.
NOT_A_NOTICE_PAGES = (
    ("登录页面", re.compile(r"登录后|请先登录|用户登录|会员登录|忘记密码|用户名|账号登录")),
    (
        "“页面不存在”（404）页面",
        re.compile(r"404|页面不存在|找不到(?:该|此|您要的)?页面|已被删除"),
    ),
    ("验证码/访问验证页面", re.compile(r"验证码|安全验证|访问验证|人机验证|访问行为异常|滑块")),
)
NOTICE_TITLE = re.compile(
    r"(?:通知|意见|方案|办法|公告|决定|规划|计划|纲要|标准|培训班|细则|规定|函)(?:\(节选\))?$"
)


def has_notice_signals(text: str) -> bool:
    """A 文号, an addressee, clause numbering, a signature date, a news opening or a
    通知/意见/方案/办法 title: what any notice has and a login or error page does not."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines:
        unnumbered = DOC_NUMBER_PREFIX.sub("", line)
        if DOC_NUMBER.search(line) or ADDRESSEE.match(unnumbered) or SIGNATURE_DATE.match(line):
            return True
        if NEWS_OPENING.match(line) or (len(line) <= 70 and NOTICE_TITLE.search(line)):
            return True
    return sum(1 for line in lines if CLAUSE_MARK.match(line)) >= 2


def not_a_notice_reason(text: str) -> str:
    """The refusal for a page with no sign of a notice, naming what it looks like."""
    kind = next((kind for kind, pattern in NOT_A_NOTICE_PAGES if pattern.search(text)), "")
    looks = f"看起来是网站的{kind}，" if kind else ""
    return (
        f"这不像一份通知：{looks}没有找到文号、主送单位、条款编号、落款日期，"
        "也没有“……的通知/意见/方案/办法”这样的标题。请发送通知全文（网页请在登录后另存，"
        "或直接上传 Word/PDF 原件）"
    )


def _is_page_blurb(piece: str, fields: dict[str, str]) -> bool:
    """No 文号, issuer or date, and the 'title' is only the start of the first sentence; or
    a short text without addressee, clause numbering or a notice's title either (a site's
    「本站简介」 heading over a paragraph)."""
    title = fields["title"]
    if not title or fields["doc_number"] or fields["issuer"] or fields["date"]:
        return False
    rest = piece.lstrip()[len(title) :] if piece.lstrip().startswith(title) else "\n"
    if rest[:1] in (",", ",", "。", "是", "的"):
        return True
    return (
        not fields["addressee"]
        and len(re.findall(r"[\u4e00-\u9fff]", piece)) < BLURB_MAX_CJK
        and not NOTICE_TITLE.search(title)
        and not any(CLAUSE_MARK.match(line.strip()) for line in piece.split("\n"))
    )


def chinese_date(iso_date: str) -> str:
    """「2013年10月25日」 for 2013-10-25, as the notices write dates (a bare year stays)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso_date)
    if not match:
        return iso_date
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def metadata_passage(document: Document) -> str:
    """A passage naming the notice, so 文号/发文单位/时效性/附件 questions have a target."""
    published = document.published if document.published != document.date else ""
    fields = (
        ("发文字号", document.doc_number),
        ("发文单位", document.issuer),
        ("日期", chinese_date(document.date)),
        ("网页发布日期", chinese_date(published)),
        ("时效性", document.validity),
        ("效力等级", document.authority_level),
        ("信息类别", document.category),
        ("信息索引号", document.index_number),
        ("附件", ";".join(document.attachments)),
    )
    return "\n".join([document.title] + [f"{label}:{value}" for label, value in fields if value])


def notice_body(text: str, title: str = "") -> str:
    """The notice without its title lines, addressee, attachment list and signature."""
    lines = [line.strip() for line in text.split("\n") if line.strip() and line.strip() != title]
    body = _strip_head(lines[:HEAD_LINES]) + lines[HEAD_LINES:]
    kept: list[str] = []
    in_attachments = False
    for line in _join_broken_lines(body):
        if re.match(r"^附件[:：]", line):
            in_attachments = True
            continue
        if in_attachments and re.match(r"^\d+\s*[.．、]", line) and len(line) < 80:
            continue
        in_attachments = False
        if SIGNATURE_DATE.match(line):
            while kept and _is_signer_line(kept[-1]):
                kept.pop()
            continue
        kept.append(line)
    return "\n".join(kept)


def _strip_head(lines: list[str]) -> list[str]:
    """Drop title fragments and document numbers; keep what follows the addressee's colon."""
    addressee_at = next(
        (i for i, line in enumerate(lines) if ADDRESSEE.match(DOC_NUMBER.sub("", line, count=1))),
        0,
    )
    kept = []
    for position, line in enumerate(lines):
        if position < addressee_at and "。" not in line:
            continue
        unnumbered = DOC_NUMBER.sub("", line, count=1).strip() if DOC_NUMBER.match(line) else line
        if ADDRESSEE.match(unnumbered):
            rest = ADDRESSEE.sub("", unnumbered).strip()
            if rest:
                kept.append(rest)
        elif not _is_title_line(line):
            kept.append(line)
    return kept


def _is_signer_line(line: str) -> bool:
    return len(line) <= 40 and "。" not in line and re.search("部|厅|委|局", line) is not None


def _is_title_line(line: str) -> bool:
    """A title fragment, document number or one-word heading above the notice body."""
    if "。" in line or CLAUSE_MARK.match(line) or line.startswith("附件"):
        return False
    if DOC_NUMBER.fullmatch(line.strip()) or len(line) <= 3:
        return True
    return len(line) <= 70 and ("关于" in line or TITLE_END.search(line) is not None)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin sentences that the page broke across lines (after 、 or mid-sentence)."""
    joined: list[str] = []
    for line in lines:
        table = " | " in line or " | " in joined[-1] if joined else False
        if joined and not table and not CLAUSE_MARK.match(line) and not SIGNATURE_DATE.match(line):
            previous = joined[-1]
            broken_list = previous.endswith(("、", ",", ","))
            mid_sentence = ("。" in previous or len(previous) > 60) and re.search(
                r"[\u4e00-\u9fff]$", previous
            )
            if broken_list or mid_sentence:
                joined[-1] = previous + line
                continue
        joined.append(line)
    return joined
