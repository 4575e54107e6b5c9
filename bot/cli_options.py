"""Option parsers shared by the command-line modules (`bot.cli`, `bot.cli_knowledge`,
`bot.cli_surveys`), kept apart so that each can import them: `bot.cli` imports the other two."""

from __future__ import annotations

import re
from collections.abc import Callable

import typer


def whole_number(
    option: str, noun: str, low: int, high: int, hint: str = ""
) -> Callable[[object], int]:
    """A Typer `parser` for an integer option (or argument) in low..high: any other value
    (0, "abc", 1e3) is told in one Chinese line naming the range, 「❌ --days「0」不对：天数请写
    1 到 3650 之间的整数。」, and the command ends with status 2 as on Typer's own usage errors,
    before it touches anything (QA21 F10). `hint` follows the range (「，编号见 …」)."""

    def parse(value: object) -> int:
        written = str(value).strip()
        # \d takes full-width digits (「３０」) too, which int() reads.
        if re.fullmatch(r"\+?\d{1,20}", written) and low <= int(written) <= high:
            return int(written)
        shown = f"{option}「{written[:30]}」" if option else f"「{written[:30]}」"
        spaced = f"{noun} " if noun[-1:].isascii() else noun  # 「用户 ID 请写」
        typer.echo(f"❌ {shown}不对：{spaced}请写 {low} 到 {high} 之间的整数{hint}。", err=True)
        raise typer.Exit(2)

    return parse
