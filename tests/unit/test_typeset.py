"""Quoted notice text reads with Chinese punctuation; numbers, times and addresses keep theirs."""

from __future__ import annotations

import pytest

from handlers.typeset import typeset


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "各省(区、市)要加强管理,确保专款专用;每人5年不少于1,000学时",
            "各省（区、市）要加强管理，确保专款专用；每人5年不少于1,000学时",
        ),
        ("时间:2017年7月,09:30报到", "时间：2017年7月，09:30报到"),
        ("“国培计划(2015)”招(邀)标公告", "“国培计划（2015）”招（邀）标公告"),
        ("(1)国家培训方案下的示范培训", "（1）国家培训方案下的示范培训"),
        ("能不能报名?可以!", "能不能报名？可以！"),
        ("见 http://moe.gov.cn/a?b=1,2 ,请查阅", "见 http://moe.gov.cn/a?b=1,2 ，请查阅"),
        ("提升工程2.0", "提升工程2.0"),
        ("Office (2016) only", "Office (2016) only"),
        ("大厅(见附件(一))。", "大厅（见附件（一））。"),
        ("名单(附件(一)(二))报送", "名单（附件（一）（二））报送"),
        ("请访问www.gpjh-test.cn,或拨打电话", "请访问www.gpjh-test.cn，或拨打电话"),
        ("(网址:http://x.cn)查看", "（网址：http://x.cn）查看"),
        ("他说: hello, world. 就这样", "他说： hello, world. 就这样"),
    ],
)
def test_chinese_sentences_get_full_width_punctuation(text: str, shown: str) -> None:
    assert typeset(text) == shown
