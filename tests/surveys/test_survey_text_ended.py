"""A command in the middle of a survey's text question says the text answer was left, and how
to go back; the next message is then not taken as the answer."""

from __future__ import annotations

from tests.surveys.helpers import SurveyEnv, button_data, first_text, texts

MANAGER = 500
TRAINEE = 1001


def test_a_command_at_a_text_question_says_how_to_go_back(env: SurveyEnv) -> None:
    env.manager(MANAGER)
    class_id = env.new_class(MANAGER, [TRAINEE])
    env.send_survey(MANAGER, class_id, "guopei_satisfaction")
    current = env.press(TRAINEE, env.delivered[-1]["buttons"][0][0].data, message_id=50)
    for _ in range(6):
        current = env.press(TRAINEE, button_data(current, "满意"), message_id=50)
    assert "请直接发送文字" in first_text(current)

    shown = texts(env.command(TRAINEE, "/help"))

    assert shown[0].startswith("已退出问卷的文字作答") and "/mysurveys" in shown[0]
    assert any("/ask" in text for text in shown[1:])  # and the help itself
    after = env.text(TRAINEE, "学到了很多")
    assert not any("已记录" in text or "请核对" in text for text in texts(after))
