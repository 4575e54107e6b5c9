"""Class managers create training classes: `/newclass NAME` answers with the join link.

A manager's classes must have different names: the class pickers of /remind, /broadcast and
/deadlines show names only. Classes that share a name anyway (made before this rule), or whose
names look the same once cut to fit a button, are told apart in the pickers by their join code
(`class_labels`), which /newclass and /myclass show.

/myclass gives a manager a 👥 button per class: its members, ten to a page, each with 「移出」
(confirmed first; the trainee is told). Callback data, re-checked (only the class's manager or
an admin)::

    cm:1:ls:<class>:<page>   the members      cm:1:rm:<class>:<user>   ask to remove one
    cm:1:ok:<class>:<user>   remove them
"""

from __future__ import annotations

from html import escape

from sqlmodel import Session

from bot.chat import Button, Edit, Keyboard, Reply, Send, keyboard
from bot.db import crud
from bot.db.models import Role, TrainingClass
from bot.limits import shorten
from handlers.ask import deliver
from handlers.class_names import name_key
from handlers.routing import Context, Router, UserError, button_id, button_number, paging_buttons
from handlers.start import MEMBERS_PREFIX, class_link

router = Router("classes", roles={Role.manager, Role.admin})

MAX_CLASS_NAME = 64


@router.command("newclass", "创建培训班")
async def new_class(ctx: Context) -> list[Reply]:
    """Create a class and answer with its join code and deep link."""
    name = " ".join(ctx.event.args.split())
    if not name:
        raise UserError("请在命令后写上培训班名称，例如：/newclass 2026国培语文一班")
    if len(name) > MAX_CLASS_NAME:
        raise UserError(f"培训班名称太长（{len(name)} 字），请控制在 {MAX_CLASS_NAME} 字以内。")
    with ctx.services.session() as session:
        mine = crud.classes_managed_by(session, manager_id=ctx.user.id)
        same = next((c for c in mine if name_key(c.name) == name_key(name)), None)
        if same is not None:
            raise UserError(
                f"您已经有一个叫「{escape(same.name)}」的培训班了"
                f"（加入码 <code>{same.join_code}</code>）。"
                "同名的班在设置提醒、群发时分不清，请换一个名字，例如：\n"
                f"/newclass {escape(name)}2\n/newclass {escape(name)}（2026秋）\n"
                "要找原来那个班的加入链接，请发送 /myclass。"
            )
        training_class = crud.create_class(session, name=name, manager_id=ctx.user.id)
    link = class_link(ctx, training_class.join_code)
    return [
        Send(
            f"✅ 已创建培训班「{escape(name)}」\n"
            f"加入码：<code>{training_class.join_code}</code>\n"
            f"加入链接：{link}\n\n"
            "把链接发给学员，点开即可加入；也可以让学员发送 "
            f"/join {training_class.join_code}"
        )
    ]


# ----- members: list and remove (the 👥 button of /myclass) ---------------------------------

MEMBERS_PER_PAGE = 10
STALE_MEMBERS = "这个按钮已失效，请重新发送 /myclass。"


@router.callback(MEMBERS_PREFIX)
async def on_members_button(ctx: Context) -> list[Reply]:
    """👥 成员 → the members, a page at a time → 移出 → a confirmation → out of the class."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) != 5 or parts[1] != "1" or parts[2] not in ("ls", "rm", "ok"):
        raise UserError(STALE_MEMBERS)
    class_id = button_id(parts[3], STALE_MEMBERS)
    number = button_number(parts[4], STALE_MEMBERS)  # a page, or a member's Telegram user id
    with ctx.services.session() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UserError(STALE_MEMBERS)
        if training_class.manager_id != ctx.user.id and ctx.role is not Role.admin:
            raise UserError("您不是这个培训班的班主任。")
        if parts[2] == "ls":
            return [Edit(*_members_view(session, training_class, page=number))]
        member = crud.users_by_id(session, user_ids=[number]).get(number)
        joined = {c.id for c in crud.classes_of_member(session, user_id=number)}
        if member is None or class_id not in joined:
            raise UserError("这位学员已经不在这个培训班里了。")
        name, class_name = member.display_name, training_class.name
        if parts[2] == "rm":
            back = Button("取消", data=f"{MEMBERS_PREFIX}:1:ls:{class_id}:0")
            sure = Button("确定移出", data=f"{MEMBERS_PREFIX}:1:ok:{class_id}:{number}")
            return [
                Edit(
                    f"确定把 {escape(name)} 移出「{escape(class_name)}」吗？"
                    "移出后该学员不再收到这个班的通知、提醒和问卷。",
                    keyboard([sure, back]),
                )
            ]
        crud.leave_class(session, user_id=number, class_id=class_id)
        text, buttons = _members_view(session, training_class, page=0)
    await deliver(
        ctx.services,
        number,
        f"您已被班主任移出培训班「{escape(class_name)}」。如有疑问，请联系您的班主任。",
    )
    return [Edit(f"已把 {escape(name)} 移出。\n\n{text}", buttons)]


def _members_view(
    session: Session, training_class: TrainingClass, *, page: int
) -> tuple[str, Keyboard]:
    """One page of the class's members, each with a 移出 button."""
    assert training_class.id is not None
    total = crud.count_members(session, class_id=training_class.id)
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    page = min(page, pages - 1)
    members = crud.members_page(
        session,
        class_id=training_class.id,
        offset=page * MEMBERS_PER_PAGE,
        limit=MEMBERS_PER_PAGE,
    )
    lines = [f"👥 <b>{escape(training_class.name)}</b> 的成员（{total} 人）"]
    rows = []
    for number, (user, membership) in enumerate(members, start=page * MEMBERS_PER_PAGE + 1):
        blocked = "（已屏蔽机器人）" if membership.blocked else ""
        lines.append(f"{number}. {escape(user.display_name)}{blocked}")
        rows.append(
            [
                Button(
                    f"移出 {number}. {shorten(user.display_name, 12)}",
                    data=f"{MEMBERS_PREFIX}:1:rm:{training_class.id}:{user.id}",
                )
            ]
        )
    if not members:
        lines.append("还没有学员加入。")
    paging = paging_buttons(
        page, pages, lambda p: f"{MEMBERS_PREFIX}:1:ls:{training_class.id}:{p}"
    )
    return "\n".join(lines), keyboard(*rows, paging)
