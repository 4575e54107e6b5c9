"""Admin commands: `/addmanager USER_ID` makes a user a class manager."""

from __future__ import annotations

from bot.chat import Reply, Send
from bot.db import crud
from bot.db.models import Role, User
from handlers.menus import refresh_menu
from handlers.routing import Context, Router, UserError

router = Router("admin", roles={Role.admin})


@router.command("addmanager", "设为班主任")
async def add_manager(ctx: Context) -> list[Reply]:
    """Give the manager role to a Telegram user id."""
    raw = ctx.event.args.strip()
    if not raw.isdigit() or not 0 < int(raw) < 2**53:
        raise UserError(
            "请写上对方的 Telegram 用户 ID(一串数字),例如:/addmanager 123456789\n"
            "对方向我发送 /start 后,可在 @userinfobot 查到自己的 ID。"
        )
    user_id = int(raw)
    if user_id in ctx.services.settings.admin_ids:
        return [Send(f"{user_id} 是管理员(ADMIN_IDS),已经可以使用班主任的全部命令。")]
    with ctx.services.session() as session:
        existing = session.get(User, user_id)
        already = existing is not None and existing.role == Role.manager
        user = existing if already else crud.set_role(session, user_id=user_id, role=Role.manager)
        assert user is not None
        who = user.display_name if user.first_name or user.username else str(user_id)
    if already:
        return [Send(f"{who} 已经是班主任了,无需重复设置。")]
    await refresh_menu(ctx.services, user_id, Role.manager)
    return [Send(f"✅ 已将 {who} 设为班主任。对方再次发送 /start 即可看到班主任命令。")]
