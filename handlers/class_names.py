"""How classes are named in buttons: `class_labels` gives every listed class a label of its own
(cut to fit, keeping the tail where 国培 class names differ: 「…培训班第3期」), and `name_key` says
when two names are "the same" for /newclass.

    labels = class_labels(classes, limit=20)   # {class id: "2026年国培计划(…)…第3期"}

The class pickers of /broadcast, /remind and /survey show a page of classes at a time
(`class_page`, CLASSES_PER_PAGE to a page, with ◀ 上一页 / 下一页 ▶ and 「第 2/3 页」).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from bot.db.models import TrainingClass
from bot.limits import shorten
from handlers.routing import Page, page_of


def name_key(name: str) -> str:
    """What makes two class names "the same": spacing, full-width forms and case ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def class_labels(classes: Iterable[TrainingClass], limit: int | None = None) -> dict[int, str]:
    """Plain-text button labels by class id, all different: the name (cut to `limit`
    characters keeping its head and tail, 「2026年国培计划(…)…第3期」), followed by the join code
    when another listed class would show the same label (the name is then cut shorter, so
    that the label keeps to `limit`)."""
    listed = list(classes)
    shown = {c.id: c.name if limit is None else shorten(c.name, limit) for c in listed}
    counts = Counter(name_key(label) for label in shown.values())
    labels: dict[int, str] = {}
    for training_class in listed:
        assert training_class.id is not None
        label = shown[training_class.id]
        if counts[name_key(label)] > 1:
            code = f"（加入码 {training_class.join_code}）"
            name = training_class.name
            label = (name if limit is None else shorten(name, max(limit - len(code), 8))) + code
        labels[training_class.id] = label
    return labels


# ----- class pickers a page at a time ------------------------------------------------------

# Telegram shows at most 100 buttons in a message: the class pickers of /broadcast, /remind and
# /survey show this many classes to a page (a manager with more pages with ◀ / ▶).
CLASSES_PER_PAGE = 15


# What a class picker page is: `page_of`'s page of classes (「第 2/3 页,共 23 个班」).
ClassPage = Page[TrainingClass]


def class_page(
    classes: Sequence[TrainingClass], page: int, data_of_page: Callable[[int], str]
) -> ClassPage:
    """Page `page` of `classes`, CLASSES_PER_PAGE to a page; a page past the end (the manager
    may have fewer classes than when the button was sent) shows the last one."""
    return page_of(classes, page, data_of_page, per_page=CLASSES_PER_PAGE, unit="个班")
