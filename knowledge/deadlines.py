"""Find dated duties in passages: 「于2019年4月12日前将…报送」, 「培训结束后的1个月内」."""

from __future__ import annotations

import calendar
import re
from datetime import date

from knowledge.models import Deadline, Document, Passage

DUTY = re.compile(r"报送|提交|上报|报教育部|报我部|备案|完成|形成|汇总|反馈|申报|报至|送至")
ABSOLUTE = re.compile(
    r"(?:于|在)?(?P<when>(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?"
    r"(?P<end>底)?(?:前|之前|以前))"
    r"|(?P<target>(?:到|至)(?P<tyear>\d{4})年(?:(?P<tmonth>\d{1,2})月)?底)"
)
# A clause number opening a sentence (「二、请各项目县于…」): the citation names the clause.
CLAUSE_OPENING = re.compile(
    r"^\s*((?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、](?!\d)))\s*"
)
RELATIVE = re.compile(
    r"(?P<when>(?:培训|项目|活动|研修)?(?:结束|完成|开班|下达|印发)后的?"
    r"(?:\d+|[一二两三四五六七八九十半])+个?(?:月|周|星期|日|天|个工作日|工作日)(?:内|以内))"
)


def find_deadlines(documents: list[Document], passages: list[Passage]) -> list[Deadline]:
    """Every dated or time-limited duty in the passages, in document order."""
    by_id = {document.doc_id: document for document in documents}
    found: list[Deadline] = []
    seen: set[tuple[str, str]] = set()
    for passage in passages:
        document = by_id.get(passage.doc_id)
        if document is None or passage.kind == "meta":
            continue
        for sentence in re.findall(r"[^。;；\n]+[。;；]?", passage.text):
            for due, when_text in _deadlines_in(sentence):
                key = (passage.doc_id, sentence)
                if key in seen:
                    continue
                seen.add(key)
                found.append(
                    Deadline(
                        due=due,
                        text=_without_clause_number(sentence.strip(), passage.clause),
                        when_text=when_text,
                        clause=passage.clause,
                        title=document.title,
                        doc_number=document.doc_number,
                        source=document.source,
                        doc_id=document.doc_id,
                    )
                )
    return found


def _without_clause_number(sentence: str, clause: str) -> str:
    """The sentence without the clause numbers it opens with that its clause path holds
    (「二、请各项目县于…」 in clause 二、): each deadline names its clause once, in its citation,
    whether the notice wrote the number before the sentence or before a heading above it."""
    path = clause.replace("（", "(").replace("）", ")").replace("．", ".")
    while match := CLAUSE_OPENING.match(sentence):
        number = re.sub(r"\s", "", match.group(1)).replace("（", "(").replace("）", ")")
        number = number.replace("．", ".")
        held = re.search(rf"(?<![一二三四五六七八九十\d]){re.escape(number)}", path)
        if not held or not sentence[match.end() :].strip():
            break
        sentence = sentence[match.end() :]
    return sentence


def _deadlines_in(sentence: str) -> list[tuple[date | None, str]]:
    results: list[tuple[date | None, str]] = []
    for match in ABSOLUTE.finditer(sentence):
        after = sentence[match.end() : match.end() + 60]
        if not DUTY.search(after):
            continue
        due = _absolute_date(match)
        if due is not None:
            results.append((due, match.group("when") or match.group("target")))
    for match in RELATIVE.finditer(sentence):
        if DUTY.search(sentence[match.end() :]):
            results.append((None, match.group("when")))
    return results


def _absolute_date(match: re.Match) -> date | None:
    """Last day a limit allows (「年底前」 31 Dec; 「2020年前」 end of 2019)."""
    if match.group("target"):
        return _end_of(int(match.group("tyear")), match.group("tmonth"))
    year = int(match.group("year"))
    month = match.group("month")
    day = match.group("day")
    try:
        if month and day:
            return date(year, int(month), int(day))
    except ValueError:
        return None
    if match.group("end"):
        return _end_of(year, month)
    if month:
        return None
    return date(year - 1, 12, 31)


def _end_of(year: int, month: str | None) -> date | None:
    if not month:
        return date(year, 12, 31)
    if not 1 <= int(month) <= 12:
        return None
    return date(year, int(month), calendar.monthrange(year, int(month))[1])
