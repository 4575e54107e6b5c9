"""The results chart (PNG): 满意度 questions as stacked bars with their 满意率, choice questions
as bar charts of their counts. Rendered with matplotlib's Agg backend and a CJK font.

Usage::

    png = render_chart(results)          # bytes of a PNG
    cjk_font_path()                      # the font used; raises FontMissing when there is none

The font is found in this order: the full Noto Sans SC of the `pylopdf-fonts-zh-cn` package,
the GB2312 subset shipped in bot/surveys/fonts/, then a system CJK font.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.surveys.results import SurveyResults, percent

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
LIKERT_COLOURS = ("#1a9850", "#91cf60", "#d9d9d9", "#fc8d59", "#d73027")
BAR_COLOUR = "#4575b4"
MAX_CHOICE_PANELS = 6


class FontMissing(RuntimeError):
    """No font with Chinese glyphs: charts would show tofu boxes."""


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
        "找不到中文字体:请安装 pylopdf-fonts-zh-cn,或保留 bot/surveys/fonts/ 里的字体文件"
    )


def cjk_font_name() -> str:
    return font_manager.FontProperties(fname=str(cjk_font_path())).get_name()


def _label(position: int, text: str, width: int = 14) -> str:
    short = text if len(text) <= width * 2 else text[: width * 2 - 1] + "…"
    return f"{position + 1}. " + "\n".join(textwrap.wrap(short, width)) if short else ""


def render_chart(results: SurveyResults, *, dpi: int = 100) -> bytes:
    """A PNG of the survey's figures."""
    family = cjk_font_name()
    likert = [q for q in results.questions if q.kind == "likert5"]
    choice = [q for q in results.questions if q.kind in ("single", "multiple")]
    choice = choice[:MAX_CHOICE_PANELS]
    heights = []
    if likert:
        heights.append(1.2 + 0.7 * len(likert))
    heights += [0.9 + 0.45 * len(q.options) for q in choice]
    if not heights:
        heights = [1.5]
    figure = Figure(figsize=(10, sum(heights) + 1.2), dpi=dpi)
    FigureCanvasAgg(figure)
    survey = results.survey
    title = (
        f"{survey.title} · {results.class_name}\n"
        f"回收 {results.submitted}/{results.members}({percent(results.response_rate)})"
        f" · 总体满意率 {percent(results.overall_satisfied_rate)}"
    )
    figure.suptitle(title, fontsize=13, family=family)
    axes = figure.subplots(len(heights), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)
    panels = iter(axes[:, 0])

    if likert:
        ax = next(panels)
        labels = [_label(q.position, q.text) for q in likert]
        lefts = [0.0] * len(likert)
        for level, option in enumerate(likert[0].options):
            shares = [(q.counts[level] / q.answered * 100 if q.answered else 0.0) for q in likert]
            ax.barh(labels, shares, left=lefts, color=LIKERT_COLOURS[level], label=option)
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
        ax.set_xlim(0, 100)
        ax.invert_yaxis()
        ax.set_xlabel("占比(%)", family=family)
        ax.legend(
            ncols=5,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            frameon=False,
            prop={"family": family, "size": 9},
        )
        _fonts(ax, family)

    for q in choice:
        ax = next(panels)
        ax.barh(list(q.options), q.counts, color=BAR_COLOUR)
        ax.invert_yaxis()
        kind = "多选" if q.kind == "multiple" else "单选"
        ax.set_title(
            f"{_label(q.position, q.text, 40)}({kind},{q.answered} 人作答)",
            fontsize=10,
            family=family,
            loc="left",
        )
        for row, count in enumerate(q.counts):
            ax.text(count, row, f" {count}", va="center", fontsize=8, family=family)
        ax.set_xlim(0, max([*q.counts, 1]) * 1.15)
        _fonts(ax, family)

    for ax in panels:  # no question to draw: say so instead of an empty frame
        ax.axis("off")
        ax.text(0.5, 0.5, "暂无可绘制的选择题", ha="center", va="center", family=family)

    figure.tight_layout(rect=(0, 0, 0.93, 0.97))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def _fonts(ax: object, family: str) -> None:
    for label in [*ax.get_yticklabels(), *ax.get_xticklabels()]:  # type: ignore[attr-defined]
        label.set_family(family)
        label.set_fontsize(9)
