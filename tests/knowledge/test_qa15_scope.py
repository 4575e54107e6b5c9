"""QA15 on whom a clause binds (knowledge/scope.py): a kind of class (「高级研修班」) is not
the class's name (L10)."""

from __future__ import annotations

import pytest

from knowledge.scope import notice_scope

GANSU_CLASS = (
    "甘肃省教育厅关于举办“国培计划(2026)”甘肃省乡村小学语文骨干教师高级研修班的通知"
)


# ----- L10: a kind of class is not the class's name ------------------------------------------


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("高级研修班多大年龄能参加", False),
        ("骨干教师研修班有年龄限制吗", False),
        ("乡村教师培训班年龄要求", False),
        ("国培研修班要交住宿费吗", False),
        ("甘肃高级研修班多大年龄能参加", True),
        ("语文骨干教师研修班年龄要求", True),
        ("甘肃省语文研修班什么时候报到", True),
    ],
)
def test_a_kind_of_class_is_not_its_name(question: str, named: bool) -> None:
    scope = notice_scope(GANSU_CLASS)
    assert scope is not None and scope.named_in(question) is named
