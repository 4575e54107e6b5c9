"""Two small notices the notice-management tests upload, replace and remove: a 网络研修 notice
whose count and due date change between versions, and a 音乐教师 notice."""

from __future__ import annotations


def online_study_notice(count: str, due: str) -> str:
    """「…每月须完成不少于{count}篇网络研修日志…于2031年{due}前…报送」, 某教〔2031〕3号."""
    return (
        "某省教育厅关于做好2031年乡村教师网络研修管理的通知\n"
        "某教〔2031〕3号\n"
        "各市、县(区)教育局:\n"
        "一、研修要求\n"
        f"参训教师每月须完成不少于{count}篇网络研修日志,每篇不少于八百字,由辅导教师审阅评分。\n"
        "二、材料报送\n"
        f"请各市于2031年{due}前将研修总结报送省项目办。\n"
        "某省教育厅\n"
        "2031年3月1日\n"
    )


MUSIC = (
    "某省教育厅关于开展2031年乡村音乐教师器乐教学专项培训的通知\n"
    "某教〔2031〕44号\n"
    "各市、县(区)教育局:\n"
    "一、培训内容\n"
    "本次器乐教学专项培训设口风琴合奏、竖笛识谱、课堂打击乐编配三个模块,每个模块集中研修两天。\n"
    "二、名额分配\n"
    "每县推荐两名乡村学校音乐教师参加,由县教师发展中心统一报名。\n"
    "某省教育厅\n"
    "2031年4月2日\n"
)
