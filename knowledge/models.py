"""Small value types shared by the knowledge modules and returned to callers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

# The title given to a site's own paragraph found beside the notices of a scraped page.
BLURB_TITLE = "网页上的介绍文字（不是正式通知）"


# 「第一,…」 opens a part of some notices (the 2013 信息技术提升工程 意见); the clause path
# (knowledge/notices.py) writes that marker 「第一、」 so that a sub-clause can follow it.
_NUMBERED_PART = re.compile(r"(第[〇零一二三四五六七八九十百两]+)、")


def clause_label(clause: str) -> str:
    """How a clause path reads in a citation: 「条款 三、(二)」, but a path that starts with 第
    names itself (「第三条」「第二章第五条」, 「第一部分」 for 「第一、」), without 条款 before it
    or a dangling 、 after it."""
    clause = clause.strip()
    if not clause:
        return ""
    if not clause.startswith("第"):
        return f"条款 {clause}"
    return _NUMBERED_PART.sub(r"\1部分", clause)


@dataclass(frozen=True)
class Hit:
    """One passage returned for a question, with the notice it comes from."""

    text: str
    score: float
    title: str
    doc_number: str
    date: str
    source: str
    clause: str
    doc_id: str
    passage_id: int
    matched_terms: tuple[str, ...] = ()
    # The heading of the clause a passage continues (七、突出制度保障…), when the passage text
    # lacks it and it says more than the clause path; else empty.
    heading: str = ""

    def to_json(self) -> dict:
        """Return the JSON-ready form used by the CLI and the bot."""
        return {
            "text": self.text,
            "score": round(self.score, 4),
            "title": self.title,
            "doc_number": self.doc_number,
            "date": self.date,
            "source": self.source,
            "clause": self.clause,
            "heading": self.heading,
        }


# Why a question was declined (`Answer.reason`), in the words shown to people.
DECLINE_REASONS = {
    "out_of_scope": "收录的通知里没有能回答它的条款",
    "no_figure": (
        "没有找到写明这个数字（金额、天数、学时、学分、年限或数量）的条款，多由各省或培训机构另行规定"
    ),
    "own_affairs": (
        "问的是学校或培训承办单位自己安排的事（工资待遇、请假、报到、保险、路费、换班、证书、联系电话等），"
        "收录的通知里没有统一规定"
    ),
    "other_year": "收录的通知没有讲到问题里的年份，别的年份的条款不能替它回答",
    "no_topic": "没有可以查的内容",
}


@dataclass
class Answer:
    """The result of asking the knowledge base a question."""

    question: str
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    reason: str | None = None
    curated_answer: str | None = None
    curated_id: int | None = None
    # The top hit holds most of the question and stands clear of the next one; when False,
    # the hits are likely related clauses rather than the answer (about 7 in 10 are right).
    confident: bool = False

    def to_json(self) -> dict:
        """Return the JSON-ready form printed by `ask --json`."""
        data: dict = {
            "question": self.question,
            "answered": self.answered,
            "hits": [hit.to_json() for hit in self.hits],
        }
        if self.answered:
            data["confident"] = self.confident
        if self.reason:
            data["reason"] = self.reason
        if self.curated_answer is not None:
            data["curated_answer"] = self.curated_answer
            data["curated_id"] = self.curated_id
        return data


@dataclass(frozen=True)
class Deadline:
    """A duty with a due date (or a relative time limit) found in a notice."""

    due: date | None
    text: str
    when_text: str
    clause: str
    title: str
    doc_number: str
    source: str
    doc_id: str

    def to_json(self) -> dict:
        """Return the JSON-ready form printed by `deadlines --json`."""
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data


@dataclass
class IngestReport:
    """What ingesting one file produced and what cleaning removed from it."""

    path: str
    documents: list[str] = field(default_factory=list)
    passages: int = 0
    removed: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)
    repaired: int = 0
    # Traditional characters converted to simplified (not counted in `repaired`).
    simplified: int = 0
    error: str | None = None
    # Same bytes as this notice already in the knowledge base: nothing was added.
    duplicate_of: str | None = None
    # The name it is stored under; differs from the file's own when a notice of that name
    # was already there (通知.docx → 通知-2.docx): both are kept.
    stored_as: str | None = None
    # Title, 文号 and date of each notice the file holds.
    notices: list[dict[str, str]] = field(default_factory=list)
    # Stored files holding a notice with the same 文号 or title (an older version?).
    same_as: list[str] = field(default_factory=list)
    # Not added: it has `same_as` and the caller asked to decide (replace, or keep both).
    held: bool = False
    # Stored files this one replaced: no longer answered from.
    replaced: list[str] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        """True when the notice was stored under another name than its file's."""
        return self.stored_as is not None and self.stored_as != Path(self.path).name

    @property
    def ok(self) -> bool:
        """True when the file was ingested."""
        return self.error is None

    def to_json(self) -> dict:
        """Return the JSON-ready form."""
        return asdict(self) | {"ok": self.ok}


@dataclass
class Document:
    """One notice: its metadata and its cleaned text."""

    doc_id: str
    title: str
    doc_number: str
    issuer: str
    date: str
    source: str
    attachments: list[str]
    text: str
    file: str
    addressee: str = ""
    validity: str = ""
    authority_level: str = ""
    category: str = ""
    published: str = ""
    index_number: str = ""

    @property
    def is_notice(self) -> bool:
        """False for a site's own paragraph (indexed, but not a notice of anyone's)."""
        return self.title != BLURB_TITLE

    def metadata(self) -> dict:
        """Return the metadata without the text."""
        data = asdict(self)
        data.pop("text")
        return data


# Put where a stored copy of a notice ends before the notice does (the scraped pages say
# 「[... text cut off in the stored copy ...]」): a reader sees the clause is incomplete.
TRUNCATION_NOTE = "……（存档的原文到此为止）"
SHORT_PASSAGE_CHARS = 100


@dataclass(frozen=True)
class Passage:
    """A clause-sized piece of a document, the unit that is searched."""

    doc_id: str
    clause: str
    text: str
    heading: str = ""
    kind: str = "body"

    def index_text(self) -> str:
        """What is indexed: the text, preceded by its clause heading when it lacks one."""
        text = self.text.replace(TRUNCATION_NOTE, "")
        return f"{self.heading}\n{text}" if self.heading else text

    @property
    def cut_short(self) -> bool:
        """The stored copy of the notice ends inside this short passage's first sentence
        (「第四条示范性集中培训项目的培……」): it holds no complete sentence to answer with."""
        before, note, _ = self.text.partition(TRUNCATION_NOTE)
        return (
            bool(note)
            and len(before) < SHORT_PASSAGE_CHARS
            and not any(mark in before for mark in "。；;！!？?")
        )
