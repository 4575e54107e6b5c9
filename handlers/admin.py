"""Admin commands: `/addmanager USER_ID` makes a user a class manager, `/removemanager USER_ID`
takes it back; either without an id lists the managers. The person is told privately
(「您已被设为班主任…」 / 「您的班主任身份已被撤销…」); the admin's reply says when that failed.

A manager who is removed keeps their classes' members, reminders and surveys (reminders still
go out: the reply counts them, and an admin cancels any of them in /reminders); they only lose
the manager commands, and get them back with /addmanager. Their trainees' 问班主任 questions go
to the admins meanwhile (handlers/ask.py).
"""

from __future__ import annotations

from html import escape

from sqlmodel import Session

from bot.chat import DeliveryError, Reply, Send, Unreachable
from bot.db import crud
from bot.db import reminder_crud as rcrud
from bot.db.models import Role, User
from handlers.ask import deliver
from handlers.menus import refresh_menu
from handlers.routing import Context, Router, UserError, parse_number
from scheduler.jobs import reporting_admin

router = Router("admin", roles={Role.admin})

MAX_LISTED_MANAGERS = 30
MAX_USER_ID = 2**53 - 1  # Telegram's user ids fit in 52 bits
ASK_FOR_ID = (
    "请写上对方的 Telegram 用户 ID（一串数字），例如：/{command} 123456789\n"
    "对方向我发送 /start 后，可在 @userinfobot 查到自己的 ID。"
)


ADDED_NOTICE = "您已被设为班主任，发送 /help 查看班主任命令（如 /newclass 创建培训班）。"
REMOVED_NOTICE = "您的班主任身份已被撤销，不能再使用班主任命令。{classes}如有疑问，请联系管理员。"
CLASSES_KEPT = "您建的培训班仍然保留，学员「问班主任」的问题今后转给管理员。"


def not_told(error: DeliveryError, then: str) -> str:
    """The admin's note that the person could not be told privately, and why."""
    if isinstance(error, Unreachable):
        why = "对方还没有打开和我的私聊，或已屏蔽我"
    else:
        why = "Telegram 暂时没有送达"
    return f"\n⚠️ 没能私信通知对方（{why}）。{then}"


def user_id_argument(ctx: Context, command: str) -> int | None:
    """The user id after the command; None when there is none; UserError when it is not one."""
    raw = ctx.event.args.strip()
    if not raw:
        return None
    user_id = parse_number(raw, low=1, high=MAX_USER_ID)
    if user_id is None:
        raise UserError(ASK_FOR_ID.format(command=command))
    return user_id


def managers_list(session: Session) -> str:
    """The current managers, with their ids, for an admin choosing whom to add or remove."""
    managers = crud.users_with_role(session, role=Role.manager)
    if not managers:
        return "目前还没有班主任。"
    lines = [f"目前的班主任（共 {len(managers)} 位）："]
    lines += [
        f"• {escape(m.display_name)} <code>{m.id}</code>" for m in managers[:MAX_LISTED_MANAGERS]
    ]
    if len(managers) > MAX_LISTED_MANAGERS:
        lines.append(f"……另有 {len(managers) - MAX_LISTED_MANAGERS} 位未列出。")
    return "\n".join(lines)


@router.command("addmanager", "设为班主任", private_only=True)
async def add_manager(ctx: Context) -> list[Reply]:
    """Give the manager role to a Telegram user id (without one: list the managers)."""
    user_id = user_id_argument(ctx, "addmanager")
    if user_id is None:
        with ctx.services.session() as session:
            listing = managers_list(session)
        usage = ASK_FOR_ID.format(command="addmanager")
        return [Send(f"{usage}\n\n{listing}\n\n撤销请发送 /removemanager 用户ID。")]
    if user_id in ctx.services.settings.admin_ids:
        return [Send(f"{user_id} 是管理员（ADMIN_IDS），已经可以使用班主任的全部命令。")]
    with ctx.services.session() as session:
        existing = session.get(User, user_id)
        already = existing is not None and existing.role == Role.manager
        user = existing if already else crud.set_role(session, user_id=user_id, role=Role.manager)
        assert user is not None
        who = escape(user.display_name) if user.first_name or user.username else str(user_id)
    if already:
        return [Send(f"{who} 已经是班主任了，无需重复设置。")]
    await refresh_menu(ctx.services, user_id, Role.manager)
    failed = await deliver(ctx.services, user_id, ADDED_NOTICE)
    done = f"✅ 已将 {who} 设为班主任。"
    if existing is None:
        done += (
            f"\n⚠️ ID {user_id} 还没有和我说过话，请确认没有写错；"
            f"写错了可以发送 /removemanager {user_id} 撤销。"
        )
    elif failed is None:
        done += "已私信通知对方。"
    else:
        done += not_told(failed, "对方打开和我的私聊、发送 /start 后即可看到班主任命令。")
    return [Send(done)]


@router.command("removemanager", "撤销班主任", private_only=True)
async def remove_manager(ctx: Context) -> list[Reply]:
    """Take the manager role back (without an id: list the managers)."""
    user_id = user_id_argument(ctx, "removemanager")
    with ctx.services.session() as session:
        if user_id is None:
            usage = ASK_FOR_ID.format(command="removemanager")
            return [Send(f"{usage}\n\n{managers_list(session)}")]
        if user_id in ctx.services.settings.admin_ids:
            raise UserError(
                f"{user_id} 是管理员（ADMIN_IDS），要撤销请从 .env 的 ADMIN_IDS 里删去。"
            )
        user = session.get(User, user_id)
        if user is None or user.role != Role.manager:
            raise UserError(
                f"{user_id} 不是班主任，无需撤销。发送 /removemanager 查看班主任名单。"
            )
        who = escape(user.display_name)
        classes = crud.classes_managed_by(session, manager_id=user_id)
        reminders = rcrud.count_reminders_of_manager(session, manager_id=user_id)
        crud.set_role(session, user_id=user_id, role=Role.trainee)
    await refresh_menu(ctx.services, user_id, Role.trainee)
    notice = REMOVED_NOTICE.format(classes=CLASSES_KEPT if classes else "")
    failed = await deliver(ctx.services, user_id, notice)
    done = f"✅ 已撤销 {who} 的班主任身份。"
    done += "已私信通知对方。" if failed is None else not_told(failed, "请另行告知对方。")
    if classes:
        names = "、".join(f"「{escape(c.name)}」" for c in classes[:5])
        more = f"等 {len(classes)} 个班" if len(classes) > 5 else ""
        done += (
            f"\n对方管理的{names}{more}仍然保留，这些班学员「问班主任」的问题今后转给管理员；"
            f"再次发送 /addmanager {user_id} 即可恢复管理。"
        )
    if reminders:
        admin = reporting_admin(ctx.services.settings.admin_ids)
        reports = ""
        if admin is not None:
            reporter = "您" if admin == ctx.user.id else "管理员"
            reports = f"，发送进度和报告今后发给{reporter}（{admin}）"
        done += (
            f"\n⏰ 对方设的 {reminders} 条提醒仍会按时发给学员{reports}。"
            "如需停止，请发送 /reminders，点相应的「取消」按钮。"
        )
    return [Send(done)]
