"""Class managers create training classes: `/newclass NAME` answers with the join link."""

from __future__ import annotations

from html import escape

from bot.chat import Reply, Send
from bot.db import crud
from bot.db.models import Role
from handlers.routing import Context, Router, UserError
from handlers.start import class_link

router = Router("classes", roles={Role.manager, Role.admin})

MAX_CLASS_NAME = 64


@router.command("newclass", "创建培训班")
async def new_class(ctx: Context) -> list[Reply]:
    """Create a class and answer with its join code and deep link."""
    name = " ".join(ctx.event.args.split())
    if not name:
        raise UserError("请在命令后写上班级名称,例如:/newclass 2026国培语文一班")
    if len(name) > MAX_CLASS_NAME:
        raise UserError(f"班级名称太长({len(name)} 字),请控制在 {MAX_CLASS_NAME} 字以内。")
    with ctx.services.session() as session:
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
