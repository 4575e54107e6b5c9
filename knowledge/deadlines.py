"""Find dated duties in passages: 「于2019年4月12日前将…报送」, 「培训结束后的1个月内」, and the
trainees' own days (「请参训学员于2026年12月19日报到」); say whose duty one is (`duty_holder`).

A date the calendar lacks (「学员须于2027年2月30日前完成报名」「2027年4月31日前」) is kept,
undated, its words followed by `MISDATED_MARK`: /deadlines lists it 「⏳ 2027年2月30日前（日期
有误）」 with its clause and offers no reminder (it offers one only from a `due` date),
`date_error` says what is wrong, and the ingest report names it (`misdated_report`) (QA21 F5)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Iterable
from datetime import MAXYEAR, MINYEAR, date

from knowledge.models import Deadline, Document, Passage, clause_label

DUTY = re.compile(
    r"报送|提交|上报|报教育部|报我部|备案|完成|形成|汇总|反馈|申报|报至|送至"
    # 「于…前将名单报县教师发展中心」「…前将研修总结上传平台」 (QA18 F5)
    r"|报(?:县|市|州|省|区|给)|上传|上交|递交|交至|交到"
    # the trainees' own: 「请于…前报到」「…前到培训基地报到」「…前报名」「…前缴纳住宿费」 (QA19 F2)
    r"|报到|签到|报名|缴纳|缴费|缴清|交纳|交费"
)
ABSOLUTE = re.compile(
    r"(?:于|在)?(?P<when>(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?"
    r"(?P<end>底)?(?:前|之前|以前))"
    r"|(?P<target>(?:到|至)(?P<tyear>\d{4})年(?:(?P<tmonth>\d{1,2})月)?底)"
)
# A clause number opening a sentence (「二、请各项目县于…」): the citation names the clause.
CLAUSE_OPENING = re.compile(
    r"^\s*((?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、](?!\d)))\s*"
)
# A day the trainees come on (「请参训学员于2026年12月19日报到」「学员于2027年2月20日上午到…
# 报到」): a date after 于/在, not a limit (前) nor the first of a range (「…日至25日」「…日到
# 12月25日」), then within the clause 报到/签到, or 参加/参训 when trainees are the subject
# (「会议于…召开」 is no one's). 「…日到培训基地报到」 is the day itself: 到 there is to go, and a
# range's 到/至 is followed by its last day (QA19 F2).
RANGE_END = r"(?:至|到)\s*(?:\d|[一二三四五六七八九十]{1,3}[月日号]|次日|翌日)"
ON_DAY = re.compile(
    r"(?:于|在)(?P<when>(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日)"
    rf"(?!\s*(?:前|之前|以前|{RANGE_END}|[-—–~～－]))"
)
CHECK_IN = re.compile(r"^[^，,。；;]{0,24}?(?:报到|签到)")
ATTEND = re.compile(r"^[^，,。；;]{0,24}?(?:参加|参训)")
TRAINEES = re.compile(r"学员|参训教师|参训人员|培训对象")
# Who must do it, named before the date: 「请各市（州）教育局于…」「请各省级教育行政部门于…」.
HOLDER = re.compile(
    r"(?:(?:省|市|县|区)级)?教育行政部门|教育局|教育厅|教委|教育委员会|项目县|项目办"
    r"|(?:承办|承训|承担)(?:院校|单位|机构)|培训(?:院校|机构)|各省(?!级)(?:[(（]区、市[)）])?"
    # 「请各州（市）于…前报送」: a prefecture named alone (else its 教育局 is named after it)
    r"|各(?:州|市|县|区|地)(?:[(（][州市县区][)）])?+(?![级属教财人])"
    r"|参训学员|学员|参训教师|参训人员"
)
MISDATED_MARK = "（日期有误）"
# The date's numbers in a misdated item's `when_text` (「到2027年13月底」 too).
WRITTEN_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月)?(?:(\d{1,2})日)?")
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
        when = match.group("when") or match.group("target")
        if (due := _absolute_date(match)) is not None:
            results.append((due, when))
        elif _calendar_error(match) is not None:
            results.append((None, when + MISDATED_MARK))
    for match in RELATIVE.finditer(sentence):
        if DUTY.search(sentence[match.end() :]):
            results.append((None, match.group("when")))
    for match in ON_DAY.finditer(sentence):
        after = sentence[match.end() :]
        trainees = TRAINEES.search(sentence[: match.start()])
        if CHECK_IN.search(after) or (trainees and ATTEND.search(after)):
            if (due := _absolute_date(match)) is not None:
                results.append((due, match.group("when")))
            elif _calendar_error(match) is not None:
                results.append((None, match.group("when") + MISDATED_MARK))
    return results


def is_on_the_day(deadline: Deadline) -> bool:
    """Whether the date is the day of it (「于2026年12月19日报到」), not a limit (「…前」)."""
    return deadline.due is not None and ON_DAY.fullmatch(f"于{deadline.when_text}") is not None


def duty_holder(deadline: Deadline) -> str | None:
    """Whose duty a deadline is when not the trainees': the body named before its date
    (「请各市（州）教育局于…前将…报送」 → 教育局); None for the trainees' own or unnamed."""
    written = written_when(deadline)
    before = deadline.text.split(written, 1)[0] if written else ""
    found = HOLDER.search(before)
    if found is None or TRAINEES.search(found[0]):
        return None
    return re.sub(r"[(（][区州市县、]+[)）]", "", found[0])  # 「各省(区、市)」 → 各省


def written_when(deadline: Deadline) -> str:
    """The limit as the notice words it: `when_text` without `MISDATED_MARK`."""
    return deadline.when_text.removesuffix(MISDATED_MARK)


def date_error(deadline: Deadline) -> str | None:
    """What is wrong with a misdated item's date (「2027年2月只有28天」), None for the others."""
    if deadline.due is not None or not deadline.when_text.endswith(MISDATED_MARK):
        return None
    found = WRITTEN_DATE.search(deadline.when_text)
    if found is None:
        return "日期有误"
    year, month, day = (int(part) if part else None for part in found.groups())
    return _what_is_wrong(year or 0, month, day) or "日期有误"


def misdated_report(
    deadlines: Iterable[Deadline], doc_ids: Collection[str], limit: int | None = None
) -> list[str]:
    """The ingest report's lines (plain text) on the misdated items of the notices `doc_ids`:
    a head line, then one per item (its clause, date as written, duty and what is wrong), the
    first `limit` of them and 「……另有 N 项」; [] when there are none. The notice is added
    all the same."""
    misdated = [d for d in deadlines if d.doc_id in doc_ids and date_error(d) is not None]
    if not misdated:
        return []
    lines = [
        f"⚠️ {len(misdated)} 项期限的日期有误：已按原文列入期限，"
        "标「日期有误」，不能据此设提醒。请向发文单位核实正确日期，通知更正后重新导入。"
    ]
    for deadline in misdated[:limit]:
        duty = deadline.text if len(deadline.text) <= 80 else deadline.text[:79] + "…"
        where = clause_label(deadline.clause)
        lines.append(
            f"· {where + ' ' if where else ''}{written_when(deadline)}：{duty}"
            f"（{date_error(deadline)}）"
        )
    if len(misdated) > len(lines) - 1:
        lines.append(f"……另有 {len(misdated) - len(lines) + 1} 项")
    return lines


def _absolute_date(match: re.Match) -> date | None:
    """Last day a limit allows (「年底前」 31 Dec; 「2020年前」 end of 2019); None when the
    words name no day (「2027年5月前」) or a day the calendar lacks (`_calendar_error`)."""
    if _calendar_error(match) is not None:
        return None
    if match.re is not ON_DAY and match.group("target"):
        return _end_of(int(match.group("tyear")), match.group("tmonth"))
    year = int(match.group("year"))
    month = match.group("month")
    day = match.group("day")
    if month and day:
        return date(year, int(month), int(day))
    if match.re is not ON_DAY and match.group("end"):
        return _end_of(year, month)
    if month:
        return None
    return date(year - 1, 12, 31) if year > MINYEAR else None


def _calendar_error(match: re.Match) -> str | None:
    """What is wrong with the date an ABSOLUTE or ON_DAY match writes, None if nothing."""
    if match.re is not ON_DAY and match.group("target"):
        return _what_is_wrong(int(match.group("tyear")), _number(match.group("tmonth")), None)
    return _what_is_wrong(
        int(match.group("year")), _number(match.group("month")), _number(match.group("day"))
    )


def _what_is_wrong(year: int, month: int | None, day: int | None) -> str | None:
    """「2027年2月只有28天」「一年没有13月」「没有0年」 for a date the calendar lacks."""
    if not MINYEAR <= year <= MAXYEAR:
        return f"没有{year}年"
    if month is not None and not 1 <= month <= 12:
        return f"一年没有{month}月"
    if day is not None and day < 1:
        return f"没有{day}日"
    if month is not None and day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"{year}年{month}月只有{days}天"
    return None


def _number(digits: str | None) -> int | None:
    """The number a regex group wrote, None for a group that matched nothing."""
    return int(digits) if digits else None


def _end_of(year: int, month: str | None) -> date:
    if not month:
        return date(year, 12, 31)
    return date(year, int(month), calendar.monthrange(year, int(month))[1])
