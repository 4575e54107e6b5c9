"""Survey templates: the shipped ones load; a template with an error is refused whole, naming
the file and the line; uploads are validated before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.surveys.templates import (
    LIKERT5,
    TemplateError,
    load_templates,
    parse_template,
    save_uploaded,
)

GOOD = """\
key: my_survey
title: 班级活动反馈
anonymous: true
questions:
  - text: 活动组织得怎么样?
    kind: likert5
  - text: 你最喜欢哪个环节?
    kind: single
    options: [破冰, 分组讨论, 成果展示]
  - text: 希望增加什么?
    kind: multiple
    options: [户外, 参观, 讲座]
    max_choices: 2
  - text: 其他建议
    kind: text
    required: false
"""


def test_builtin_satisfaction_survey() -> None:
    loaded = load_templates()
    assert loaded.errors == []
    builtin = loaded.templates["guopei_satisfaction"]
    assert builtin.title == "国培项目培训满意度调查" and builtin.spec.anonymous
    texts = [q.text for q in builtin.spec.questions]
    for topic in (
        "本次培训的内容（针对性",
        "教学安排",
        "授课专家",
        "管理服务",
        "培训效果",
        "总体满意度",
        "意见和建议",
    ):
        assert any(topic in text for text in texts), topic
    assert [q.kind for q in builtin.spec.questions] == ["likert5"] * 6 + ["text"]
    assert builtin.spec.questions[-1].required is False
    assert builtin.spec.questions[0].choices == LIKERT5


def test_good_template_parses() -> None:
    template = parse_template(GOOD, filename="my.yaml")
    assert template.key == "my_survey"
    assert [q.kind for q in template.spec.questions] == ["likert5", "single", "multiple", "text"]
    assert template.spec.questions[2].max_choices == 2


@pytest.mark.parametrize(
    ("broken", "line", "needle"),
    [
        (GOOD.replace("kind: single", "kind: choice"), 8, "题型"),
        (GOOD.replace("options: [破冰, 分组讨论, 成果展示]", "options: [破冰]"), 9, "2-10 个选项"),
        (GOOD.replace("    max_choices: 2", "    max_choices: 9"), 13, "max_choices"),
        (GOOD.replace("title: 班级活动反馈\n", ""), 1, "缺少标题"),
        (GOOD.replace("    required: false", "    requird: false"), 16, "不认识的字段「requird」"),
        (GOOD.replace("  - text: 其他建议", "  - text: [其他建议"), 14, "「[」没有配对的「]」"),
        (
            GOOD.replace("    kind: likert5", "    kind: likert5\n    options: [a, b]"),
            7,
            "不需要 options",
        ),
        (GOOD.replace("anonymous: true", "anonymous: 也许"), 3, "true 或 false"),
        (GOOD.replace("key: my_survey", "key: 我的问卷"), 1, "key 只能用"),
    ],
)
def test_broken_template_names_file_and_line(broken: str, line: int, needle: str) -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(broken, filename="bad.yaml")
    message = str(refused.value)
    assert message.startswith(f"bad.yaml 第 {line} 行"), message
    assert needle in message, message


ENGLISH = re.compile(r"expected|found|while|stream|block|token|mapping|Input should", re.I)


@pytest.mark.parametrize(
    ("broken", "line", "needle"),
    [
        # the QA tester's file: a list never closed, so PyYAML reached the end of the file
        (GOOD.replace("[户外, 参观, 讲座]", "[户外, 参观, 讲座"), 12, "「[」没有配对的「]」"),
        (GOOD.replace("    kind: likert5", "   kind: likert5"), 6, "缩进不对"),
        (GOOD.replace("    kind: likert5", "\tkind: likert5"), 6, "制表符（Tab）"),
        (GOOD.replace("title: 班级活动反馈", "title:班级活动反馈"), 2, "中文冒号"),
        (GOOD.replace("title: 班级活动反馈", "title：班级活动反馈"), 2, "中文冒号「：」"),
        (GOOD.replace("title: 班级活动反馈", "title: 班级: 活动反馈"), 2, "请给内容加引号"),
        (GOOD.replace("title: 班级活动反馈", 'title: "班级活动反馈'), 2, "引号没有配对"),
        (GOOD.replace("    kind: text", "    kind text"), 15, "缺少英文冒号"),
        (GOOD.replace("  - text: 其他建议", "  - text: *其他建议"), 14, "加上引号"),
        (GOOD.replace("options: [户外, 参观, 讲座]", "options: 户外"), 12, "应为列表"),
        (GOOD.replace("max_choices: 2", "max_choices: 两个"), 13, "应为整数"),
    ],
)
def test_yaml_mistakes_are_explained_in_chinese(broken: str, line: int, needle: str) -> None:
    """No PyYAML or pydantic English reaches the manager: the line, and what to fix."""
    with pytest.raises(TemplateError) as refused:
        parse_template(broken, filename="bad.yaml")
    message = str(refused.value)
    assert message.startswith(f"bad.yaml 第 {line} 行"), message
    assert needle in message, message
    assert not ENGLISH.search(message), message


def test_upload_is_validated_whole(tmp_path: Path) -> None:
    folder = tmp_path / "survey_templates"
    builtin = set(load_templates().templates)
    with pytest.raises(TemplateError, match="第 8 行"):
        save_uploaded(
            folder, GOOD.replace("kind: single", "kind: x").encode(), "x.yaml", builtin, owner_id=1
        )
    assert not folder.exists() or not any(folder.iterdir())  # nothing half-written
    with pytest.raises(TemplateError, match="内置模板"):
        save_uploaded(
            folder,
            GOOD.replace("my_survey", "guopei_satisfaction").encode(),
            "y.yaml",
            builtin,
            owner_id=1,
        )
    with pytest.raises(TemplateError, match="UTF-8"):
        save_uploaded(folder, GOOD.encode("gbk"), "z.yaml", builtin, owner_id=1)
    saved, updated = save_uploaded(folder, GOOD.encode(), "活动.yaml", builtin, owner_id=1)
    assert saved.path == folder / "my_survey.yaml" and not updated
    loaded = load_templates(folder)
    assert "my_survey" in loaded.templates and not loaded.templates["my_survey"].builtin
    # a broken file in the folder is reported, the others still load
    (folder / "broken.yaml").write_text("title: x\nquestions: []\n", encoding="utf-8")
    loaded = load_templates(folder)
    assert "my_survey" in loaded.templates
    assert loaded.errors and loaded.errors[0].startswith("broken.yaml 第 2 行")
