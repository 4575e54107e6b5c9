"""Survey templates: YAML files validated with pydantic; an error names the file and the line.

Usage::

    templates = load_templates(extra_dir=settings.data_dir / "survey_templates")
    template = parse_template(text, filename="my.yaml")  # TemplateError("my.yaml 第 7 行:…")

A template (see handlers/survey_templates/*.yaml)::

    key: course_feedback            # optional; letters, digits, _ and -; default: the file name
    title: 专题课程反馈
    description: 一句话说明         # optional
    anonymous: false                # anonymous surveys never show who answered what
    questions:
      - text: 本专题课程的难度如何?
        kind: single                # likert5 | single | multiple | text
        options: [偏难, 适中, 偏易]
        required: true              # default true
      - text: 您希望增加哪些形式?
        kind: multiple
        options: [案例研讨, 课堂观摩]
        max_choices: 2              # optional, multiple only

A file with any error is refused whole: nothing of it is loaded.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "handlers" / "survey_templates"
LIKERT5 = ("非常满意", "满意", "一般", "不满意", "非常不满意")
"""Index 0 is the best; the score is 5 − index (非常满意 = 5 … 非常不满意 = 1)."""
SATISFIED = (0, 1)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
MAX_TEMPLATE_BYTES = 64 * 1024
KIND_NAMES = {"likert5": "满意度", "single": "单选", "multiple": "多选", "text": "文字"}


_KIND_NOTE = re.compile(r"\s*[(（]\s*(?:可以?多选|多选题?|可多项选择)\s*[)）]\s*$")


def shown_text(text: str, kind: str) -> str:
    """The question as shown: without a trailing 「(可多选)」 that the template wrote, since the
    bot adds the kind itself (「(可多选)」 when answering, 「(多选,N 人作答)」 in the results)."""
    if kind != "multiple":
        return text
    return _KIND_NOTE.sub("", text) or text


_SAYS_MULTIPLE = re.compile(r"多选|多项选择|(?:最多|至多|限)(?:可以?|能)?选")
_NUMBER = r"[0-9０-９]+|[一二两三四五六七八九十]"
_SAYS_MAX = re.compile(
    rf"(?:(?:最多|至多|限)(?:可以?|能)?选(?:择)?|不超过)\s*({_NUMBER})\s*(?:项|个)"
)
_CHINESE_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def _stated_max(text: str) -> int | None:
    """The N of a 「最多选 N 项」 the question's own text says (None: it says no limit)."""
    match = _SAYS_MAX.search(text)
    if match is None:
        return None
    number = match.group(1)
    if number in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[number]
    return int(number.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def choice_note(text: str, kind: str, max_choices: int | None) -> str:
    """What the bot adds after a question shown for answering, in its 「(…)」: 「可多选」 and
    the limit, less what the question's own text already says (「(最多选 2 项)」, 「可多选」)."""
    if kind != "multiple":
        return ""
    says_multiple = _SAYS_MULTIPLE.search(text) is not None
    if max_choices is None:
        return "" if says_multiple else "可多选"
    if _stated_max(text) == max_choices:
        return ""
    return f"最多 {max_choices} 项" if says_multiple else f"可多选，最多 {max_choices} 项"


class TemplateError(ValueError):
    """A template that cannot be used; the message names the file and the line, in Chinese."""


class QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=300)
    kind: Literal["likert5", "single", "multiple", "text"]
    required: bool = True
    options: list[str] = Field(default_factory=list)
    max_choices: int | None = Field(default=None, ge=1)

    @field_validator("text")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("题目不能为空")
        return value

    @field_validator("options")
    @classmethod
    def _option_texts(cls, options: list[str]) -> list[str]:
        cleaned = [" ".join(str(option).split()) for option in options]
        for option in cleaned:
            if not 1 <= len(option) <= 30:
                raise ValueError(f"选项「{option[:40]}」应为 1-30 个字（按钮放得下）")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("选项有重复")
        return cleaned

    @model_validator(mode="after")
    def _options_fit_kind(self) -> QuestionSpec:
        if self.kind in ("single", "multiple"):
            if not 2 <= len(self.options) <= 10:
                raise ValueError(f"{KIND_NAMES[self.kind]}题需要 2-10 个选项（options）")
        elif self.options:
            raise ValueError(f"{KIND_NAMES[self.kind]}题不需要 options，请删去")
        if self.max_choices is not None:
            if self.kind != "multiple":
                raise ValueError("max_choices 只用于多选题（multiple）")
            if self.max_choices > len(self.options):
                raise ValueError("max_choices 不能多于选项数")
        return self

    @property
    def choices(self) -> tuple[str, ...]:
        return LIKERT5 if self.kind == "likert5" else tuple(self.options)


class TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = None
    title: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=500)
    anonymous: bool = False
    questions: list[QuestionSpec] = Field(min_length=1, max_length=50)

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str | None) -> str | None:
        if value is not None and not KEY_PATTERN.match(value):
            raise ValueError("key 只能用字母、数字、_ 和 -，最多 24 个字符")
        return value


@dataclass(frozen=True, slots=True)
class Template:
    """A validated template, ready to be sent."""

    key: str
    spec: TemplateSpec
    path: Path | None
    builtin: bool

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def version(self) -> str:
        """A short fingerprint of the questions: changes whenever the owner updates it."""
        return hashlib.sha1(self.spec.model_dump_json().encode()).hexdigest()[:6]


_FIELD_NAMES = {
    "key": "key",
    "title": "标题（title）",
    "description": "说明（description）",
    "anonymous": "匿名（anonymous）",
    "questions": "题目列表（questions）",
    "text": "题目（text）",
    "kind": "题型（kind）",
    "required": "必答（required）",
    "options": "选项（options）",
    "max_choices": "最多选几项（max_choices）",
}


def parse_template(text: str, *, filename: str) -> Template:
    """Validate a template's YAML text; raise TemplateError naming `filename` and the line."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as error:
        line, problem = _yaml_problem(error)
        raise TemplateError(f"{filename} 第 {line} 行：YAML 格式错误，{problem}") from None
    except yaml.YAMLError:
        raise TemplateError(f"{filename}：YAML 格式错误，{_YAML_GENERIC}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{filename} 第 1 行：模板应以 title: 和 questions: 开头")
    try:
        spec = TemplateSpec.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = tuple(problem["loc"])
        if problem["type"] == "value_error":
            # a check across fields of a question: point at the field the message is about
            field_name = next((f for f in ("max_choices", "options") if f in problem["msg"]), None)
            if field_name and isinstance(loc[-1], int):
                loc = (*loc, field_name)
        line = _line_of(root, loc)
        raise TemplateError(f"{filename} 第 {line} 行：{_describe(problem, loc)}") from None
    key = spec.key or _key_from_filename(filename)
    return Template(key=key, spec=spec, path=None, builtin=False)


_YAML_GENERIC = "请检查这一行和上一行的缩进（用空格对齐）、英文冒号「:」和括号是否配对。"


def _yaml_problem(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(1-based line, what to fix, in Chinese) for one of PyYAML's English parse errors."""
    problem = error.problem or ""
    context = error.context or ""
    problem_line = error.problem_mark.line + 1 if error.problem_mark else None
    context_line = error.context_mark.line + 1 if error.context_mark else None
    line = problem_line or context_line or 1
    if "flow sequence" in context:
        return context_line or line, (
            "这一行的「[」没有配对的「]」：列表要写成 [选项1, 选项2, 选项3]，"
            "用英文逗号隔开，以「]」结束。"
        )
    if "flow mapping" in context:
        return (
            context_line or line,
            "这一行的「{」没有配对的「}」：请补上「}」，或给内容加上引号。",
        )
    if "quoted scalar" in context:
        return context_line or line, "这一行的引号没有配对：请在内容结尾补上同样的引号。"
    if "\\t" in problem or "\t" in problem:  # PyYAML writes the tab as '\t'
        return line, "这一行有制表符（Tab）：请改用空格缩进。"
    if "mapping values are not allowed" in problem:
        return line, (
            "这一行多了冒号，或上一行的冒号写成了中文冒号「：」："
            "字段名后面用英文冒号加空格（如 title: 反馈）；内容里有冒号时请给内容加引号"
            '（如 title: "培训:反馈"）。'
        )
    if "could not find expected ':'" in problem:
        return context_line or line, (
            "这一行缺少英文冒号「:」，或冒号后没有空格，或用了中文冒号「：」："
            "请写成「字段名: 内容」（英文冒号，后面一个空格）。"
        )
    if "expected <block end>" in problem or "block" in context:
        return line, (
            "缩进不对：同一层的内容要用空格对齐，每道题的 text、kind、options 要对齐，"
            "并比「-」多缩进两格。"
        )
    if any(word in problem + context for word in ("alias", "anchor")):
        return line, "内容以「*」或「&」开头时有特殊含义：请给这段内容加上引号。"
    if "cannot start any token" in problem:
        return line, "这一行的内容以特殊符号开头（如 @ 或 `）：请给这段内容加上引号。"
    return line, _YAML_GENERIC


def _describe(problem: dict[str, Any], loc: tuple) -> str:
    where = ""
    question_index = loc[1] if len(loc) > 1 and loc[0] == "questions" else None
    if isinstance(question_index, int):
        where = f"第 {question_index + 1} 题"
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if problem["type"] == "value_error":
        field_name = ""
    label = _FIELD_NAMES.get(field_name, field_name)
    kind = problem["type"]
    if kind == "missing":
        message = f"缺少{label}"
    elif kind == "extra_forbidden":
        allowed = (
            QuestionSpec.model_fields if question_index is not None else TemplateSpec.model_fields
        )
        message = f"不认识的字段「{field_name}」（可用：{'、'.join(allowed)}）"
    elif kind == "literal_error":
        message = f"{label}必须是 likert5、single、multiple 或 text 之一"
    elif kind in ("string_too_long", "too_long"):
        message = f"{label}太长（最多 {problem['ctx'].get('max_length')}）"
    elif kind in ("string_too_short", "too_short"):
        message = f"{label}不能为空"
    elif kind.startswith("bool"):
        message = f"{label}应为 true 或 false"
    elif kind == "value_error":
        message = str(problem["msg"]).removeprefix("Value error, ")
    elif kind == "string_type":
        message = f"{label}应为一段文字（内容以 [ 或 {{ 开头时请加引号）"
    elif kind == "list_type" and field_name == "questions":
        message = f"{label}应写成一道道题：每道题另起一行，以「  - text:」开头"
    elif kind == "list_type":
        message = f"{label}应为列表，如 [选项1, 选项2]"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"{label}应为整数，如 2"
    elif kind == "greater_than_equal":
        message = f"{label}至少为 {problem['ctx'].get('ge')}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"{label}每一项都应写成 text: 和 kind: 两行（见示例模板）"
    else:
        message = f"{label}的写法不对，请对照示例模板 course_feedback.yaml 修改"
    return f"{where}{'，' if where else ''}{message}"


def _line_of(node: yaml.Node | None, loc: tuple) -> int:
    """The 1-based line of the YAML node at pydantic's error location (or its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _key_from_filename(filename: str) -> str:
    stem = Path(filename).stem
    if KEY_PATTERN.match(stem):
        return stem
    return "t" + hashlib.sha1(stem.encode()).hexdigest()[:10]


def load_file(path: Path, *, builtin: bool) -> Template:
    """Read and validate one template file."""
    raw = path.read_bytes()
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{path.name}：文件太大（最多 {MAX_TEMPLATE_BYTES // 1024} KB）")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(f"{path.name}：请用 UTF-8 编码保存") from None
    template = parse_template(text, filename=path.name)
    return Template(key=template.key, spec=template.spec, path=path, builtin=builtin)


@dataclass(slots=True)
class TemplateSet:
    """The usable templates by key, and the files that were refused (with why)."""

    templates: dict[str, Template]
    errors: list[str]


def load_templates(extra_dir: Path | None = None) -> TemplateSet:
    """Built-in templates first, then uploaded ones (which cannot replace a built-in key)."""
    templates: dict[str, Template] = {}
    errors: list[str] = []
    sources = [(BUILTIN_DIR, True)] + ([(extra_dir, False)] if extra_dir else [])
    for folder, builtin in sources:
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                template = load_file(path, builtin=builtin)
            except TemplateError as error:
                errors.append(str(error))
                continue
            if template.key in templates:
                errors.append(f"{path.name}：key「{template.key}」与已有模板重复，未加载")
                continue
            templates[template.key] = template
    return TemplateSet(templates, errors)


def owner_of(extra_dir: Path, key: str) -> int | None:
    """The user who added the uploaded template `key` (None: nobody recorded, e.g. older files)."""
    try:
        return int(_owner_path(extra_dir, key).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _owner_path(extra_dir: Path, key: str) -> Path:
    return extra_dir / f".{key}.owner"  # not *.yaml: load_templates never reads it


def _free_key(key: str, taken: set[str]) -> str:
    """A key like `key` that no template uses (for the refusal's suggestion)."""
    for number in range(2, 100):
        suffix = f"_{number}"
        candidate = key[: 24 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    return key[:20] + "_new"


def _claim_key(
    extra_dir: Path, key: str, owner_id: int, *, may_replace_any: bool
) -> tuple[bool, int | None]:
    """Make `owner_id` the owner of `key` unless someone else owns it; (updated, old owner)."""
    owner_path = _owner_path(extra_dir, key)
    existed = (extra_dir / f"{key}.yaml").exists()
    if existed and not owner_path.exists():
        # uploaded before owners were recorded: only an admin may take it over
        if not may_replace_any:
            raise PermissionError(None)
        owner_path.write_text(str(owner_id), encoding="ascii")
        return True, None
    try:
        descriptor = os.open(owner_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        owner = owner_of(extra_dir, key)
        if owner != owner_id:
            if not may_replace_any:
                raise PermissionError(owner) from None
            owner_path.write_text(str(owner_id), encoding="ascii")
        return existed, owner
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(str(owner_id))
    return existed, None


def save_uploaded(
    extra_dir: Path,
    content: bytes,
    filename: str,
    builtin_keys: set[str],
    *,
    owner_id: int,
    may_replace_any: bool = False,
) -> tuple[Template, bool]:
    """Validate an uploaded template and store it under `extra_dir`; refuse it whole on error.

    The first uploader of a key owns it: they may send it again to update it (returns
    (template, True)); anyone else is refused, unless `may_replace_any` (an admin). Surveys
    already sent keep the questions they were sent with (they are stored with the survey).
    """
    name = Path(filename).name or "template.yaml"
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{name}：文件太大（最多 {MAX_TEMPLATE_BYTES // 1024} KB）")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(f"{name}：请用 UTF-8 编码保存") from None
    template = parse_template(text, filename=name)
    if template.key in builtin_keys:
        raise TemplateError(
            f"{name}：key「{template.key}」是内置模板的名字，请换一个 key（如 {template.key}_2）"
        )
    extra_dir.mkdir(parents=True, exist_ok=True)
    try:
        updated, _previous_owner = _claim_key(
            extra_dir, template.key, owner_id, may_replace_any=may_replace_any
        )
    except PermissionError:
        taken = builtin_keys | {p.stem for p in extra_dir.glob("*.y*ml")}
        origin = "" if template.spec.key else "（取自文件名）"
        raise TemplateError(
            f"{name}：key「{template.key}」{origin}已被另一位班主任的模板使用，"
            "不能覆盖别人的模板。请在模板里把 key 改成别的名字"
            f"（如 key: {_free_key(template.key, taken)}）后重新发送。"
        ) from None
    path = extra_dir / f"{template.key}.yaml"
    temporary = extra_dir / f".{template.key}.{os.getpid()}.tmp"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return Template(key=template.key, spec=template.spec, path=path, builtin=False), updated
