"""How classes are named in buttons: `class_labels` gives every listed class a label of its own
(cut to fit, keeping the tail where 国培 class names differ: 「…培训班第3期」), and `name_key` says
when two names are "the same" for /newclass.

    labels = class_labels(classes, limit=20)   # {class id: "2026年国培计划(…)…第3期"}
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from bot.db.models import TrainingClass
from bot.limits import shorten


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
            code = f"(加入码 {training_class.join_code})"
            name = training_class.name
            label = (name if limit is None else shorten(name, max(limit - len(code), 8))) + code
        labels[training_class.id] = label
    return labels
