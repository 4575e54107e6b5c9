"""XLSX and CSV exports of survey results (bytes, ready to send or write).

Usage::

    content = to_xlsx(results)        # sheets 汇总 (figures per question) and 明细 (one row each)
    content = to_csv(results)         # 明细 only, UTF-8 with BOM so that Excel opens it right;
                                      # below it, who blocked the bot and never got it

Anonymous surveys export no user id, name or time, and rows are in a stable shuffle, not in
the order of submission; they hold the sheets the figures count (`SurveyResults.shown`: in
batches while the survey is open). An anonymous survey with none counted yet is not exported
at all (`HeldError`): the bot's 📥 buttons and `guopei-bot survey export` say why instead.

Every text comes from users (answers, names, class names, template texts), so none may become a
formula: in XLSX each text is a string cell (with Excel's quote prefix, so editing it keeps it
text); in CSV a text that a spreadsheet would read as a formula (starting with = + - @, a tab or
a carriage return) gets a leading single quote, as OWASP advises against CSV injection.

In the XLSX 汇总 sheet the figures (回收率, 占比, 均分, 满意率) are numbers with a number format
(「0.0%」, 「0.00」), so that a manager can sort and average them; a figure that cannot be
computed (nobody answered) is 「—」.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from bot.surveys.results import (
    MIN_ANONYMOUS_RESPONSES,
    SurveyResults,
    held_note,
    satisfaction_figures,
)

DETAIL_SHEET = "明细"
SUMMARY_SHEET = "汇总"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV field as a formula (OWASP: CSV injection)."""


class HeldError(ValueError):
    """An anonymous survey with too few sheets to export without exposing one (the message is
    `held_note`)."""


def _refuse_held(results: SurveyResults) -> None:
    if results.held:
        raise HeldError(held_note(results))


PERCENT_FORMAT = "0.0%"
MEAN_FORMAT = "0.00"
MISSING = "—"


@dataclass(frozen=True, slots=True)
class Number:
    """A number written to XLSX as a number cell shown with `number_format`."""

    value: float
    number_format: str


def _share(value: float | None) -> Number | str:
    return MISSING if value is None else Number(value, PERCENT_FORMAT)


def csv_safe(value: object) -> object:
    """A text that would start a formula, with a leading single quote; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_row(sheet: object, values: list[object]) -> list[object]:
    """The row with every text a string cell: openpyxl would store a text starting with = as a
    formula, and Excel would read one starting with + - @ as a formula once the cell is edited."""
    row: list[object] = []
    for value in values:
        if isinstance(value, Number):
            cell = WriteOnlyCell(sheet, value=value.value)  # type: ignore[arg-type]
            cell.number_format = value.number_format
            row.append(cell)
        elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row


def detail_header(results: SurveyResults) -> list[str]:
    header = ["序号"]
    if not results.survey.anonymous:
        header += ["用户ID", "姓名", "提交时间"]
    header += [f"{q.position + 1}. {q.text}" for q in results.questions]
    return header


def detail_rows(results: SurveyResults, tz: object = None) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in results.rows:
        values: list[object] = [row.number]
        if not results.survey.anonymous:
            when = row.submitted_at
            if when is not None and tz is not None:
                when = when.astimezone(tz)  # type: ignore[arg-type]
            stamp = when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else ""
            values += [row.user_id, row.name, stamp]
        values += row.answers
        rows.append(values)
    return rows


def summary_rows(results: SurveyResults) -> list[list[object]]:
    survey = results.survey
    rows: list[list[object]] = [
        ["问卷", survey.title],
        ["班级", results.class_name],
        ["匿名", "是" if survey.anonymous else "否"],
        # 「发送人数」 only when it is true: members who blocked the bot never got it (QA24 F10)
        *(
            [
                ["问卷对象（发送时的班级学员）", results.members],
                ["收不到问卷（屏蔽了机器人，不计入回收率）", results.unreached],
            ]
            if results.unreached
            else [["发送人数", results.members]]
        ),
        ["已退出", results.left],
        ["其中未提交（不计入回收率）", results.left_unsubmitted],
        ["计入回收率人数", results.counted],
        ["已提交", results.submitted],
        *(
            [[f"结果计入份数（匿名问卷每满 {MIN_ANONYMOUS_RESPONSES} 份更新一次）", results.shown]]
            if results.partial
            else []
        ),
        ["填写中", results.in_progress],
        ["未开始", results.not_started],
        ["回收率", _share(results.response_rate)],
        *([label, _share(rate)] for label, rate in satisfaction_figures(results)),
        [],
        ["题号", "题目", "题型", "作答人数", "选项", "人数", "占比", "均分", "满意率"],
    ]
    for q in results.questions:
        head = [q.position + 1, q.text, q.kind_name, q.answered]
        if q.kind == "text":
            rows.append([*head, "", "", "", "", ""])
            continue
        for index, option in enumerate(q.options):
            share = q.counts[index] / q.answered if q.answered else None
            mean: Number | str = ""
            rate: Number | str = ""
            if index == 0 and q.kind == "likert5":
                mean = MISSING if q.mean is None else Number(q.mean, MEAN_FORMAT)
                rate = _share(q.satisfied_rate)
            rows.append(
                [
                    *(head if index == 0 else ["", "", "", ""]),
                    option,
                    q.counts[index],
                    _share(share),
                    mean,
                    rate,
                ]
            )
    return rows


def to_xlsx(results: SurveyResults, tz: object = None) -> bytes:
    """A workbook with a summary sheet and one row per submitted response."""
    _refuse_held(results)
    book = Workbook(write_only=True)
    summary = book.create_sheet(SUMMARY_SHEET)
    summary.column_dimensions["B"].width = 48
    for row in summary_rows(results):
        summary.append(_xlsx_row(summary, row))
    detail = book.create_sheet(DETAIL_SHEET)
    header = detail_header(results)
    for column in range(len(header)):
        letter = _column_letter(column)
        detail.column_dimensions[letter].width = 8 if column == 0 else 22
    detail.freeze_panes = "B2"
    detail.append(_xlsx_row(detail, header))
    for values in detail_rows(results, tz):
        detail.append(_xlsx_row(detail, values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(results: SurveyResults, tz: object = None) -> bytes:
    """The detail table as CSV (UTF-8 with BOM)."""
    _refuse_held(results)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(value) for value in detail_header(results)])
    writer.writerows([csv_safe(value) for value in row] for row in detail_rows(results, tz))
    for note in csv_notes(results):
        writer.writerow([csv_safe(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_notes(results: SurveyResults) -> list[str]:
    """What the CSV says below its table, after an empty row, in its first column (the columns
    stay those of 明细): the members who blocked the bot and so never got the survey, out of
    the 回收率, as the XLSX and /results count them, and for a named survey who (QA24 F10)."""
    if not results.unreached:
        return []
    notes = ["", f"注：收不到问卷（屏蔽了机器人，不计入回收率）{results.unreached} 人"]
    names = (results.names or {}).get("unreached") if not results.survey.anonymous else None
    if names:
        notes.append(f"收不到问卷（屏蔽了机器人）：{'、'.join(names)}")
    return notes


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def export_filename(results: SurveyResults, extension: str) -> str:
    return f"survey_{results.survey.id}_results.{extension}"
