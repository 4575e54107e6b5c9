"""Class managers create training classes: `/newclass NAME` answers with the join link.

A manager's classes must have different names (spacing, case, full-width forms and invisible
characters ignored; a name is stored without its zero-width characters, `clean_name`): the
class pickers of /remind, /broadcast and /deadlines show names only. Classes that share a name
anyway (made before this rule), or whose names look the same once cut to fit a button, are
told apart in the pickers by their join code (`class_labels`), which /newclass and /myclass
show.

/myclass gives a manager a 👥 button per class: its members, ten to a page, each with 「移出」
(confirmed first; the trainee is told). A removed member cannot rejoin with the class's code
(they are told to ask the manager) until the manager taps 「↩️ 允许 … 重新加入」, shown for the
latest removed members under the list. 「🔄 更换加入码」 (confirmed first) gives the class a new
code and link; the old ones then say they expired. Callback data, re-checked (only the class's
manager or an admin)::

    cm:1:ls:<class>:<page>   the members      cm:1:rm:<class>:<user>   ask to remove one
    cm:1:ok:<class>:<user>   remove them      cm:1:ra:<class>:<user>   let them rejoin
    cm:1:nc:<class>:0        ask to replace the join code
    cm:1:nk:<class>:<code>   replace it, if it is still <code> (the one the page showed): a
                             second tap, even at the same moment, is told it was replaced already
"""

from __future__ import annotations

import re
from html import escape

from sqlmodel import Session

from bot.chat import Button, Edit, Keyboard, Notice, Reply, Send, clean_name, keyboard
from bot.db import crud
from bot.db.models import Role, TrainingClass
from bot.limits import shorten
from handlers.ask import deliver
from handlers.class_names import name_key
from handlers.routing import Context, Router, UserError, button_id, button_number, paging_buttons
from handlers.start import MEMBERS_PREFIX, class_link

router = Router("classes", roles={Role.manager, Role.admin})

MAX_CLASS_NAME = 64
# The join code a 「🔄 确定更换」 button carries (8 letters and digits; 16 at most in the table;
# a button shown before codes were put in it carries 「0」).
SHOWN_CODE = re.compile(r"[A-Z0-9]{4,16}")


@router.command("newclass", "创建培训班")
async def new_class(ctx: Context) -> list[Reply]:
    """Create a class and answer with its join code and deep link."""
    # zero-width characters dropped, spaces made one: 「语文\u200b一班」 is 「语文一班」 (QA24 F6)
    name = clean_name(ctx.event.args)
    if not name:
        raise UserError("请在命令后写上培训班名称，例如：/newclass 2026国培语文一班")
    if len(name) > MAX_CLASS_NAME:
        raise UserError(f"培训班名称太长（{len(name)} 字），请控制在 {MAX_CLASS_NAME} 字以内。")
    with ctx.services.session() as session:
        mine = crud.classes_managed_by(session, manager_id=ctx.user.id)
        key = name_key(name)  # a name stored before QA24 may still hold them: cleaned too
        same = next((c for c in mine if name_key(clean_name(c.name)) == key), None)
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
    """👥 成员 → the members, a page at a time → 移出 → a confirmation → out of the class (and
    kept out); ↩️ lets a removed member back; 🔄 replaces the join code."""
    parts = ctx.event.callback_data.split(":")
    if len(parts) != 5 or parts[1] != "1" or parts[2] not in ("ls", "rm", "ok", "ra", "nc", "nk"):
        raise UserError(STALE_MEMBERS)
    class_id = button_id(parts[3], STALE_MEMBERS)
    # 确定更换 carries the code its page showed; the others a page, or a member's Telegram id
    shown_code = parts[4] if parts[2] == "nk" else ""
    if parts[2] == "nk" and not SHOWN_CODE.fullmatch(shown_code):
        raise UserError(STALE_MEMBERS)
    number = 0 if parts[2] == "nk" else button_number(parts[4], STALE_MEMBERS)
    with ctx.services.session() as session:
        training_class = session.get(TrainingClass, class_id)
        if training_class is None:
            raise UserError(STALE_MEMBERS)
        if training_class.manager_id != ctx.user.id and ctx.role is not Role.admin:
            raise UserError("您不是这个培训班的班主任。")
        if parts[2] == "ls":
            return [Edit(*_members_view(ctx, session, training_class, page=number))]
        if parts[2] == "nc":
            return [_ask_to_replace_code(training_class)]
        if parts[2] == "nk":
            return _replace_code(ctx, session, class_id, shown_code)
        class_name, code = training_class.name, training_class.join_code
        if parts[2] == "ra":
            name, text, buttons = _allow_rejoin(ctx, session, training_class, number)
        else:
            asked = _remove(ctx, session, training_class, number, confirmed=parts[2] == "ok")
            if not isinstance(asked, tuple):
                return [asked]
            name, text, buttons = asked
    if parts[2] == "ra":
        return [await _rejoin_allowed(ctx, number, name, class_name, code, text, buttons)]
    await deliver(
        ctx.services,
        number,
        f"您已被班主任移出培训班「{escape(class_name)}」。如需重新加入，请联系您的班主任。",
    )
    done = (
        f"已把 {escape(name)} 移出。TA 不能再用加入码回来；"
        "如果移错了，点下面的「↩️ 允许…重新加入」。"
    )
    return [Edit(f"{done}\n\n{text}", buttons)]


def _remove(
    ctx: Context, session: Session, training_class: TrainingClass, user_id: int, *, confirmed: bool
) -> Reply | tuple[str, str, Keyboard]:
    """移出: the confirmation first; once confirmed, the member is out (and kept out): their
    name and the members list to show."""
    class_id = training_class.id
    member = crud.users_by_id(session, user_ids=[user_id]).get(user_id)
    joined = {c.id for c in crud.classes_of_member(session, user_id=user_id)}
    if member is None or class_id not in joined:
        raise UserError("这位学员已经不在这个培训班里了。")
    name = member.display_name
    if not confirmed:
        back = Button("取消", data=f"{MEMBERS_PREFIX}:1:ls:{class_id}:0")
        sure = Button("确定移出", data=f"{MEMBERS_PREFIX}:1:ok:{class_id}:{user_id}")
        return Edit(
            f"确定把 {escape(name)} 移出「{escape(training_class.name)}」吗？"
            "移出后该学员不再收到这个班的通知、提醒和问卷，"
            "也不能再用加入码回来（除非您允许）。",
            keyboard([sure, back]),
        )
    assert class_id is not None
    if not crud.remove_from_class(
        session, user_id=user_id, class_id=class_id, removed_by=ctx.user.id
    ):
        raise UserError("这位学员已经不在这个培训班里了。")
    return (name, *_members_view(ctx, session, training_class, page=0))


def _allow_rejoin(
    ctx: Context, session: Session, training_class: TrainingClass, user_id: int
) -> tuple[str, str, Keyboard]:
    """↩️: the removed member may join again with the class's code; their name and the
    members list to show."""
    assert training_class.id is not None
    if not crud.allow_rejoin(session, user_id=user_id, class_id=training_class.id):
        raise UserError("这位学员已经可以加入了，无需再允许。")
    member = crud.users_by_id(session, user_ids=[user_id]).get(user_id)
    name = member.display_name if member is not None else str(user_id)
    return (name, *_members_view(ctx, session, training_class, page=0))


async def _rejoin_allowed(
    ctx: Context, user_id: int, name: str, class_name: str, code: str, text: str, buttons: Keyboard
) -> Reply:
    """Tell the member they may rejoin, and the manager whether they were told."""
    link = class_link(ctx, code)
    failed = await deliver(
        ctx.services,
        user_id,
        f"班主任已允许您重新加入培训班「{escape(class_name)}」。点击链接即可加入：\n{link}\n"
        f"（或发送 /join {code}）",
    )
    if failed is None:
        told = "已通知 TA，点链接即可回到班里。"
    else:
        told = f"没能通知 TA（TA 可能没有打开和我的私聊），请把加入链接发给 TA：\n{link}"
    head = f"已允许 {escape(name)} 重新加入「{escape(class_name)}」。{told}"
    return Edit(f"{head}\n\n{text}", buttons)


def _ask_to_replace_code(training_class: TrainingClass) -> Reply:
    """🔄 更换加入码: asked first; 「确定更换」 names the code this page shows."""
    class_id, code = training_class.id, training_class.join_code
    sure = Button("🔄 确定更换", data=f"{MEMBERS_PREFIX}:1:nk:{class_id}:{code}")
    back = Button("取消", data=f"{MEMBERS_PREFIX}:1:ls:{class_id}:0")
    return Edit(
        f"确定更换「{escape(training_class.name)}」的加入码吗？旧的加入链接和加入码 "
        f"<code>{code}</code> 会立即失效，已经在班里的学员不受影响。",
        keyboard([sure, back]),
    )


def _replace_code(ctx: Context, session: Session, class_id: int, shown_code: str) -> list[Reply]:
    """确定更换: the class gets a new code and the old one expires, if its code is still the one
    the confirmation showed; otherwise (a second tap) nothing changes, and the current code is
    shown."""
    replaced = crud.replace_join_code(session, class_id=class_id, expected=shown_code)
    current = session.get(TrainingClass, class_id, populate_existing=True)
    if current is None:
        raise UserError(STALE_MEMBERS)
    if replaced is None:
        return [
            Notice(
                f"「{shorten(current.name, 20)}」的加入码已经更换过了，这次没有再换。"
                f"现在的加入码是 {current.join_code}，加入链接请看 /myclass。",
                alert=True,
            )
        ]
    old, new = replaced
    text, buttons = _members_view(ctx, session, current, page=0)
    return [
        Edit(
            f"✅ 「{escape(current.name)}」的加入码已更换为 <code>{new}</code>\n"
            f"新的加入链接：{class_link(ctx, new)}\n"
            f"旧加入码 {old} 已失效。请把新链接发给还没加入的学员。\n\n{text}",
            buttons,
        )
    ]


MAX_REMOVED_SHOWN = 5


def _members_view(
    ctx: Context, session: Session, training_class: TrainingClass, *, page: int
) -> tuple[str, Keyboard]:
    """One page of the class's members, each with a 移出 button; then the latest removed
    members, each with ↩️ 允许重新加入; and 🔄 更换加入码."""
    assert training_class.id is not None
    class_id = training_class.id
    total = crud.count_members(session, class_id=class_id)
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    page = min(page, pages - 1)
    members = crud.members_page(
        session,
        class_id=class_id,
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
                    data=f"{MEMBERS_PREFIX}:1:rm:{class_id}:{user.id}",
                )
            ]
        )
    if not members:
        lines.append("还没有学员加入。")
    paging = paging_buttons(page, pages, lambda p: f"{MEMBERS_PREFIX}:1:ls:{class_id}:{p}")
    removed_count, removed = crud.removed_members(
        session, class_id=class_id, limit=MAX_REMOVED_SHOWN
    )
    if removed_count:
        names = "、".join(escape(u.display_name) for u in removed)
        more = f"等 {removed_count} 人" if removed_count > len(removed) else ""
        lines.append(f"\n🚫 已移出（不能用加入码回来）：{names}{more}")
    for user in removed:
        rows.append(
            [
                Button(
                    f"↩️ 允许 {shorten(user.display_name, 12)} 重新加入",
                    data=f"{MEMBERS_PREFIX}:1:ra:{class_id}:{user.id}",
                )
            ]
        )
    lines.append(f"加入码 <code>{training_class.join_code}</code>")
    change = Button("🔄 更换加入码", data=f"{MEMBERS_PREFIX}:1:nc:{class_id}:0")
    return "\n".join(lines), keyboard(*rows, paging, [change])
