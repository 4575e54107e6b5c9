"""QA22 F12: every /results in the terminal chat saved the chart again (survey_2.png,
survey_2-2.png, -3, -4 with the same picture). The same bytes sent again are not written twice;
a changed chart still gets a name of its own, and no file is ever overwritten."""

from __future__ import annotations

from pathlib import Path

from bot.engines.console import save_file


def test_the_same_chart_sent_again_is_one_file(tmp_path: Path) -> None:
    first = save_file(tmp_path, "survey_2.png", b"chart v1")
    again = save_file(tmp_path, "survey_2.png", b"chart v1")
    assert again == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey_2.png"]


def test_a_changed_chart_gets_its_own_file_and_the_old_one_stays(tmp_path: Path) -> None:
    save_file(tmp_path, "survey_2.png", b"chart v1")
    changed = save_file(tmp_path, "survey_2.png", b"chart v2")
    back = save_file(tmp_path, "survey_2.png", b"chart v1")
    assert changed.name == "survey_2-2.png" and changed.read_bytes() == b"chart v2"
    assert back.name == "survey_2.png" and back.read_bytes() == b"chart v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey_2-2.png", "survey_2.png"]
