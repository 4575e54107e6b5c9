"""Class managers create training classes: `/newclass NAME` answers with the join link.

A manager's classes must have different names: the class pickers of /remind, /broadcast and
/deadlines show names only. Classes that share a name anyway (made before this rule) are told
apart in the pickers by their join code (`class_labels`), which /newclass and /myclass show.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from html import escape

from bot.chat import Reply, Send
from bot.db import crud
from bot.db.models import Role, TrainingClass
from handlers.routing import Context, Router, UserError
from handlers.start import class_link

router = Router("classes", roles={Role.manager, Role.admin})

MAX_CLASS_NAME = 64


def name_key(name: str) -> str:
    """What makes two class names "the same": spacing, full-width forms and case ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def class_labels(classes: Iterable[TrainingClass], limit: int | None = None) -> dict[int, str]:
    """Plain-text button labels by class id: the name (cut to `limit` characters), followed by
    the join code when another listed class has the same name."""
    listed = list(classes)
    counts = Counter(name_key(c.name) for c in listed)
    labels: dict[int, str] = {}
    for training_class in listed:
        assert training_class.id is not None
        name = training_class.name
        if limit is not None and len(name) > limit:
            name = name[: limit - 1] + "…"
        if counts[name_key(training_class.name)] > 1:
            name += f"(加入码 {training_class.join_code})"
        labels[training_class.id] = name
    return labels


@router.command("newclass", "创建培训班")
async def new_class(ctx: Context) -> list[Reply]:
    """Create a class and answer with its join code and deep link."""
    name = " ".join(ctx.event.args.split())
    if not name:
        raise UserError("请在命令后写上班级名称,例如:/newclass 2026国培语文一班")
    if len(name) > MAX_CLASS_NAME:
        raise UserError(f"班级名称太长({len(name)} 字),请控制在 {MAX_CLASS_NAME} 字以内。")
    with ctx.services.session() as session:
        mine = crud.classes_managed_by(session, manager_id=ctx.user.id)
        same = next((c for c in mine if name_key(c.name) == name_key(name)), None)
        if same is not None:
            raise UserError(
                f"您已经有一个叫「{escape(same.name)}」的培训班了"
                f"(加入码 <code>{same.join_code}</code>)。"
                "同名的班在设置提醒、群发时分不清,请换一个名字,例如:\n"
                f"/newclass {escape(name)}2\n/newclass {escape(name)}(2026秋)\n"
                "要找原来那个班的加入链接,请发送 /myclass。"
            )
        training_class = crud.create_class(session, name=name, manager_id=ctx.user.id)
    link = class_link(ctx, training_class.join_code)
    return [
        Send(
            f"✅ 已创建培训班「{escape(name)}」\n"
            f"加入码:<code>{training_class.join_code}</code>\n"
            f"加入链接:{link}\n\n"
            "把链接发给学员,点开即可加入;也可以让学员发送 "
            f"/join {training_class.join_code}"
        )
    ]
