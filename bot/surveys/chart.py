"""The results chart (PNG): 满意度 questions as stacked bars with their 满意率, choice questions
as bar charts of their counts, top to bottom in the order of the questions (consecutive 满意度
questions share one panel). Rendered with matplotlib's Agg backend and a CJK font.

Usage::

    png = render_chart(results)          # bytes of a PNG
    figure = build_figure(results)       # the same chart as a matplotlib Figure
    cjk_font_path()                      # the font used; raises FontMissing when there is none
    warm_up()                            # load fonts and draw once (the bot does it at start)

The font is found in this order: the full Noto Sans SC of the `pylopdf-fonts-zh-cn` package,
the GB2312 subset shipped in bot/surveys/fonts/, then a system CJK font. What it lacks is drawn
with matplotlib's own DejaVu Sans (symbols such as ★ ✓, many emoji in black and white); a
character neither font has (a rare hanzi outside the subset, a flag) is left out rather than
drawn as an empty box (`drawable`).
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.surveys.results import (
    MIN_ANONYMOUS_RESPONSES,
    FontMissing,
    QuestionStats,
    SurveyResults,
    percent,
    rate_text,
    satisfaction_figures,
)

SHIPPED_FONT_DIR = Path(__file__).resolve().parent / "fonts"
SYSTEM_FONT_NAMES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
FALLBACK_FONT = "DejaVu Sans"
"""Shipped with matplotlib: draws the symbols and emoji the CJK font lacks."""
LIKERT_COLOURS = ("#1a9850", "#91cf60", "#d9d9d9", "#fc8d59", "#d73027")
BAR_COLOUR = "#4575b4"
MAX_CHOICE_PANELS = 6


@cache
def cjk_font_path() -> Path:
    """The file of a font that has Chinese glyphs (registered with matplotlib)."""
    candidates: list[Path] = []
    try:
        import pylopdf_fonts_zh_cn

        candidates.append(Path(pylopdf_fonts_zh_cn.sans_path()))
    except ImportError:
        pass
    candidates += sorted(SHIPPED_FONT_DIR.glob("*.otf")) + sorted(SHIPPED_FONT_DIR.glob("*.ttf"))
    for path in candidates:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return path
    for name in SYSTEM_FONT_NAMES:
        try:
            found = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue
        return Path(found)
    raise FontMissing(
        "找不到中文字体：请安装 pylopdf-fonts-zh-cn，或保留 bot/surveys/fonts/ 里的字体文件"
    )


def cjk_font_name() -> str:
    return font_manager.FontProperties(fname=str(cjk_font_path())).get_name()


@cache
def _fallback_font_path() -> str | None:
    try:
        return font_manager.findfont(FALLBACK_FONT, fallback_to_default=False)
    except ValueError:
        return None


def font_family() -> list[str]:
    """The chart's fonts, in the order matplotlib tries them for each character."""
    return [cjk_font_name()] + ([FALLBACK_FONT] if _fallback_font_path() else [])


@cache
def _drawable_chars() -> frozenset[int]:
    """The code points one of the chart's fonts has a glyph for."""
    from matplotlib.ft2font import FT2Font

    chars = set(FT2Font(str(cjk_font_path())).get_charmap())
    fallback = _fallback_font_path()
    if fallback:
        chars.update(FT2Font(fallback).get_charmap())
    return frozenset(chars)


def _joiner(char: str) -> bool:
    """A zero-width joiner or variation selector: it only shapes the emoji around it, which
    matplotlib draws one by one, so alone it is nothing (or a box)."""
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def drawable(text: str, fallback: str = "") -> str:
    """`text` without the characters no font of the chart has (they would be drawn as empty
    boxes) and without joiners, spaces tidied where they went; `fallback` when nothing is
    left."""
    chars = _drawable_chars()
    kept = []
    for char in text:
        if char == "\n" or (ord(char) in chars and not _joiner(char)):
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
    lines = "".join(kept).split("\n")
    tidy = "\n".join(" ".join(line.split()) for line in lines).strip()
    return tidy or fallback


NO_LINE_START = frozenset("、,，。.．!！?？;；:：)）]］}｝】』」》〉〕’”…%％·—~～")
"""Characters a line must not start with: they stay with the text before them."""
NO_LINE_END = frozenset("(（[［{｛【『「《〈〔‘“")
"""Characters a line must not end with: they go down with the text they open."""


def _is_word_char(char: str) -> bool:
    """Part of a Latin word or a number such as 2.0 (kept on one line)."""
    return char.isascii() and (char.isalnum() or char == ".")


def wrap_cjk(text: str, width: int, max_lines: int = 2) -> list[str]:
    """`text` in lines of about `width` characters, at most `max_lines` (the last one ends with
    「…」 when cut), never starting a line with punctuation such as 、,。? (it stays with the
    text before it) nor ending one with an opening bracket, and not splitting a Latin word or a
    number that fits on a line."""
    lines: list[str] = []
    current = ""
    for char in text:
        if len(current) >= width and char not in NO_LINE_START:
            split = len(current)
            if _is_word_char(char):  # take the whole word down to the next line
                while split > 0 and _is_word_char(current[split - 1]):
                    split -= 1
            while split > 0 and current[split - 1] in NO_LINE_END:
                split -= 1
            if split == 0:  # a word as long as the line: it has to be cut
                split = len(current)
            lines.append(current[:split].rstrip())
            current = current[split:].lstrip()
        if char.isspace() and not current:
            continue
        current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1][: max(width - 1, 1)].rstrip()
        while len(last) > 1 and last[-1] in NO_LINE_END:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _label(position: int, text: str, width: int = 14) -> str:
    text = drawable(text, "……")
    return f"{position + 1}. " + "\n".join(wrap_cjk(text, width))


def _panels(results: SurveyResults) -> list[list[QuestionStats]]:
    """The chart's panels in the order of the questions: each run of consecutive 满意度
    questions in one panel of stacked bars, each choice question in a panel of its own."""
    panels: list[list[QuestionStats]] = []
    choice_panels = 0
    for q in sorted(results.questions, key=lambda item: item.position):
        if q.kind == "likert5":
            if panels and panels[-1][0].kind == "likert5":
                panels[-1].append(q)
            else:
                panels.append([q])
        elif q.kind in ("single", "multiple") and choice_panels < MAX_CHOICE_PANELS:
            panels.append([q])
            choice_panels += 1
    return panels


def warm_up() -> None:
    """Do once what the first chart of a process would: find and load the fonts, read their
    character maps, and draw Chinese text and bars (matplotlib builds its caches)."""
    family = font_family()
    _drawable_chars()
    figure = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    ax.barh([0, 1], [1, 2], color=BAR_COLOUR)
    ax.set_title("满意率 ★", family=family)
    figure.savefig(io.BytesIO(), format="png")


def render_chart(results: SurveyResults, *, dpi: int = 100) -> bytes:
    """A PNG of the survey's figures."""
    figure = build_figure(results, dpi=dpi)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def build_figure(results: SurveyResults, *, dpi: int = 100) -> Figure:
    """The chart as a laid-out matplotlib Figure (what render_chart saves as PNG)."""
    family = font_family()
    # /results sends no chart of a held survey; one drawn anyway shows no answer either
    panels = [] if results.held else _panels(results)
    heights = [
        1.2 + 0.7 * len(panel)
        if panel[0].kind == "likert5"
        else 0.9 + 0.45 * len(panel[0].options)
        for panel in panels
    ] or [1.5]
    figure = Figure(figsize=(10, sum(heights) + 1.2), dpi=dpi)
    FigureCanvasAgg(figure)
    survey = results.survey
    title = (
        f"{drawable(survey.title, '问卷')} · {drawable(results.class_name)}\n"
        f"回收率 {rate_text(results)}"
        + (f"（匿名：计入前 {results.shown} 份）" if results.partial else "")
        + (
            ""
            if results.held
            else "".join(
                f" · {label} {percent(rate)}" for label, rate in satisfaction_figures(results)
            )
        )
    )
    figure.suptitle(title, fontsize=13, family=family)
    axes = figure.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)
    legend_drawn = False
    for ax, panel in zip(axes[:, 0], panels, strict=False):
        if panel[0].kind == "likert5":
            _likert_panel(ax, panel, family, legend=not legend_drawn)
            legend_drawn = True
        else:
            _choice_panel(ax, panel[0], family)
    if not panels:  # no question to draw: say so instead of an empty frame
        ax = axes[0, 0]
        ax.axis("off")
        empty = (
            f"匿名问卷满 {MIN_ANONYMOUS_RESPONSES} 份后才显示结果"
            if results.held
            else "暂无可绘制的选择题"
        )
        ax.text(0.5, 0.5, empty, ha="center", va="center", family=family)

    figure.tight_layout(rect=(0, 0, 0.93, 0.97))
    return figure


def _likert_panel(
    ax: Axes, likert: list[QuestionStats], family: list[str], *, legend: bool
) -> None:
    """Stacked bars of the 满意度 questions (first at the top), with 满意率 and 均分."""
    labels = [_label(q.position, q.text) for q in likert]
    rows = list(range(len(likert)))
    lefts = [0.0] * len(likert)
    for level, option in enumerate(likert[0].options):
        shares = [(q.counts[level] / q.answered * 100 if q.answered else 0.0) for q in likert]
        ax.barh(rows, shares, left=lefts, color=LIKERT_COLOURS[level], label=option)
        for row, share in enumerate(shares):
            if share >= 6:
                ax.text(
                    lefts[row] + share / 2,
                    row,
                    f"{share:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    family=family,
                )
        lefts = [left + share for left, share in zip(lefts, shares, strict=True)]
    for row, q in enumerate(likert):
        mean = f"{q.mean:.2f}" if q.mean is not None else "—"
        ax.text(
            101,
            row,
            f"满意率 {percent(q.satisfied_rate)}\n均分 {mean}",
            va="center",
            fontsize=8,
            family=family,
        )
    ax.set_yticks(rows, labels)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("占比（%）", family=family)
    if legend:
        ax.legend(
            ncols=5,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            frameon=False,
            prop={"family": family, "size": 9},
        )
    _fonts(ax, family)


def _choice_panel(ax: Axes, q: QuestionStats, family: list[str]) -> None:
    """The number of people who chose each option (whole numbers on the axis)."""
    rows = list(range(len(q.options)))
    ax.barh(rows, q.counts, color=BAR_COLOUR)
    ax.set_yticks(rows, [drawable(o, f"选项{i + 1}") for i, o in enumerate(q.options)])
    ax.invert_yaxis()
    kind = "多选" if q.kind == "multiple" else "单选"
    ax.set_title(
        f"{_label(q.position, q.text, 40)}（{kind}，{q.answered} 人作答）",
        fontsize=10,
        family=family,
        loc="left",
    )
    for row, count in enumerate(q.counts):
        ax.text(count, row, f" {count}", va="center", fontsize=8, family=family)
    ax.set_xlim(0, max([*q.counts, 1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("人数", family=family)
    _fonts(ax, family)


def _fonts(ax: Axes, family: list[str]) -> None:
    for label in [*ax.get_yticklabels(), *ax.get_xticklabels()]:
        label.set_family(family)
        label.set_fontsize(9)
