"""Option parsers shared by the command-line modules (`bot.cli`, `bot.cli_knowledge`,
`bot.cli_surveys`), kept apart so that each can import them: `bot.cli` imports the other two;
and the Chinese line `bot.cli.main` prints for a usage error instead of Typer's English box."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from typing import Any

import typer

try:  # Typer 0.2x bundles its own Click
    from typer._click import exceptions as usage
except ImportError:  # an older Typer on the real Click
    from click import exceptions as usage  # type: ignore[no-redef]

ClickException = usage.ClickException
UsageError = usage.UsageError


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



def usage_error_text(error: UsageError, root: Any, args: Sequence[str], prog: str) -> str | None:
    """What a usage error (unknown option or command, missing or bad value, extra words) tells
    the user: one Chinese line that names the fix and the `--help` to read, for `error` raised
    by running the command tree `root` on `args`; None when Typer already printed the help
    (a bare `guopei-bot`). Told by the error's type and attributes, not its English text."""
    if type(error).__name__ == "NoArgsIsHelpError":  # named as Typer itself tests it
        return None
    command, names, unknown = _walk(root, args)
    path = " ".join([prog, *names])
    if error.ctx is not None:
        command, path = error.ctx.command, error.ctx.command_path
    see = f"用法见 {path} --help"
    if isinstance(error, usage.NoSuchOption):
        near = sorted(error.possibilities or ())
        guess = f"，是不是 {' 或 '.join(near)}？" if near else "。"
        return f"❌ 没有 {error.option_name} 这个选项{guess}{see}"
    if isinstance(error, usage.BadOptionUsage):
        name = error.option_name
        option = _option(command, name)
        if getattr(option, "is_flag", False) or getattr(option, "count", False):
            return f"❌ {name} 后面不用写值，只写 {name} 即可。{see}"
        choices = _choices(option)
        wanted = f"：{_either(choices)}" if choices else ""
        return f"❌ {name} 需要一个值{wanted}。{see}"
    if isinstance(error, usage.MissingParameter) and error.param is not None:
        param = error.param
        if param.param_type_name == "option":
            choices = _choices(param)
            wanted = f"：{_either(choices)}" if choices else ""
            return f"❌ {path} 需要写 {param.opts[0]}{wanted}。{see}"
        # The knowledge commands' help says in Chinese what to write; an English one is left
        # to --help.
        about = param.help if re.search(r"[\u4e00-\u9fff]", param.help or "") else ""
        about = f"：{about}" if about else ""
        return f"❌ {path} 后面要写 {_label(param)}{about}。{see}"
    if isinstance(error, usage.BadParameter) and error.param is not None:
        value = _bad_value(error)
        shown = f" {value[:30]} " if value and value.strip() else ""
        choices = _choices(error.param)
        if choices:
            return f"❌ {_label(error.param)} 的值{shown}不对，可选：{'、'.join(choices)}。"
        return f"❌ {_label(error.param)} 的值{shown}不对。{see}"
    if type(error) is UsageError and hasattr(command, "commands"):
        if unknown is None:  # a group's error with no word left to blame
            return f"❌ {path} 后面要写一个命令。可用的命令见 {path} --help"
        near = get_close_matches(unknown, list(command.commands))
        guess = f"，是不是 {' 或 '.join(near)}？" if near else "。"
        return f"❌ 没有 {unknown} 这个命令{guess}可用的命令见 {path} --help"
    if type(error) is UsageError:
        # Click names the extra words only in its message: 「Got unexpected extra argument(s)
        # (b c)」. If that wording changes, the line still stands without them.
        extra = re.search(r"\(([^()]+)\)\s*$", error.message)
        words = f" {extra.group(1)}" if extra else ""
        if not any(p.param_type_name == "argument" for p in getattr(command, "params", ())):
            return f"❌ {path} 后面不用写参数，多了{words}。{see}"
        return f"❌ {path} 多写了参数{words}。文件名或问题里有空格时，请用引号括起来。{see}"
    return f"❌ {path} 的写法不对。{see}"


def _walk(root: Any, args: Sequence[str]) -> tuple[Any, list[str], str | None]:
    """The (sub)command `args` reach from `root`, the names leading to it, and the first word
    that names no command of the group it was given to."""
    command, names = root, []
    for word in args:
        commands = getattr(command, "commands", None)
        if word == "--" or commands is None:
            break
        if word.startswith("-"):
            continue
        if word not in commands:
            return command, names, word
        command, names = commands[word], [*names, word]
    return command, names, None


def _option(command: Any, name: str) -> Any:
    """The option of `command` written `name` (「--engine」, 「-f」), or None."""
    for param in getattr(command, "params", ()):
        if name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _choices(param: Any) -> list[str]:
    """The values a choice parameter takes (「ptb」, 「aiogram」); [] for any other."""
    described = getattr(param, "type_descriptor", None)
    choices = getattr(described, "choices", None) or getattr(param, "type", None)
    choices = getattr(choices, "choices", choices)
    if not isinstance(choices, (list, tuple)):
        return []
    return [str(getattr(choice, "value", choice)) for choice in choices]


def _either(choices: list[str]) -> str:
    """「ptb 或 aiogram」, 「trainee、manager 或 admin」."""
    return "、".join(choices[:-1]) + f" 或 {choices[-1]}" if len(choices) > 1 else choices[0]


def _label(param: Any) -> str:
    """How `--help` names the parameter: its first option (「--format」) or its name."""
    if param.param_type_name == "option" and param.opts:
        return str(param.opts[0])
    return str(getattr(param, "display_name_raw", None) or param.human_readable_name)


def _bad_value(error: Any) -> str | None:
    """The value the user wrote, which Typer keeps only on the pydantic error it converted."""
    cause = error.__cause__
    try:
        written = cause.errors()[0]["input"] if cause is not None else None
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
    return written if isinstance(written, str) else None
