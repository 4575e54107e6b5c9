"""The vocabulary of the time expressions: Chinese numbers (:func:`cn_to_int`), weekdays,
day words (今天 明天 …), period words (上午 下午 …), separators, holidays, and the regular
expression pieces the other parts of the parser are built from."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scheduler.when.limits import TimeParseError

WEEKDAY_CN = "一二三四五六日"
APS_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CRONTAB_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# stripped from the start of the text: 「明天9点~ 交作业」 leaves no 「~」 there
_MESSAGE_SEPARATORS = " ,，:：;；、-—–~～〜。."
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# a number is written in digits or in Chinese numerals, not both: 「周一三五7点」 is 周一三五
# and 7点, never the hour 「三五7」
NUM = r"(?:[0-9]{1,3}|[零〇一二两三四五六七八九十]{1,3})"
YEAR = r"\d{4}|[零〇一二三四五六七八九]{4}"
WD = r"[一二三四五六日天七1-7]"
WEEK = r"(?:周|星期|礼拜)"
LIST_SEP = r"\s*[、,，;；和及与/]\s*"
# a weekday after a separator, unless it is the hour of a time (「每周三，7点」「周一至五，7:30」);
# 「每周三、五点名」 is Wednesday and Friday, 点名 the text
WD_NEXT = r"(?:[一二三四五六日天七]|[1-7](?!\d))(?!\s*(?:[点點时時](?!名)|:))"
# what may stand between the parts of WHEN (「明天，早上9点」), full-width forms normalised
PART_SEP = r"\s*[,;、，；]\s*"
# between the ends of a range: 「周一至周五」「周一——周五」「8点到9点」「14:00-16:00」
RANGE_SEP = r"\s*(?:至|到|~|〜|-|–|—{1,2})\s*"
AFTER = r"\s*(?:以后|之后|后)"
BEFORE = r"(?:以前|之前|前)(?![往进去来面])"  # "3天前", not "2小时 前往…"
COUNT = rf"\d{{1,6}}|{NUM}"  # relative counts: "3000天后" is too far, not unreadable


def cn_to_int(token: str) -> int:
    """Convert ``12``/``十二``/``二十三``/``二〇二六``/``零五`` to an int."""
    if token.isascii() and token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            raise TimeParseError(f"看不懂数字「{token}」。")
        return _cn_digit(tens or "一") * 10 + (_cn_digit(ones) if ones else 0)
    value = 0
    for char in token:
        value = value * 10 + _cn_digit(char)
    return value


def _cn_digit(char: str) -> int:
    if char.isascii() and char.isdigit():
        return int(char)
    if char not in _CN_DIGITS:
        raise TimeParseError(f"看不懂数字「{char}」。")
    return _CN_DIGITS[char]


def _weekday(char: str) -> int:
    """Monday=0 ... Sunday=6 from 一..日/天/七 or 1..7."""
    if char in "日天七7":
        return 6
    return int(char) - 1 if char.isdigit() else WEEKDAY_CN.index(char)


def _head(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_AM = ("凌晨", "清晨", "早上", "早晨", "上午", "早")
_NOON = ("中午", "午间")
_PM = ("下午", "午后", "傍晚", "晚上", "晚间", "晚")
_EVENING = ("晚上", "晚间", "晚")
_PERIOD_DEFAULT_HOUR = {
    "早上": 9,
    "早晨": 9,
    "上午": 9,
    "中午": 12,
    "下午": 15,
    "傍晚": 18,
    "晚上": 20,
}

_PERIOD_WORD = _alternation(_AM + _NOON + _PM)
# after a range of numbers a count, not hours: 「明天 3-5 人一组」 (班 stays: 「明天 2-4 班会」)
_COUNT_WORDS = (
    r"人|个|名|位|组|队|次|页|题|道|篇|章|节|份|张|本|条|项|遍|轮|岁|元|块|分钟|分|小时|钟头"
    r"|天|周|星期|礼拜|月|年|%"
)


_PART_SEP_RE = re.compile(PART_SEP)


_DAY_WORDS = {
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "後天": 2,
    "大后天": 3,
    # spoken forms: 「明儿下午三点」
    "今儿": 0,
    "今儿个": 0,
    "明儿": 1,
    "明儿个": 1,
    "后儿": 2,
    "后儿个": 2,
    # past days: recognised so that the answer is "时间已经过去了", not "没看懂"
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "大前天": -3,
    "昨儿": -1,
    "昨儿个": -1,
}
_DAY_PERIOD_WORDS = {
    "昨早": (-1, "早上"),
    "昨晚": (-1, "晚上"),
    "昨夜": (-1, "晚上"),
    "今早": (0, "早上"),
    "今晨": (0, "早上"),
    "今晚": (0, "晚上"),
    "今夜": (0, "晚上"),
    "明早": (1, "早上"),
    "明晨": (1, "早上"),
    "明晚": (1, "晚上"),
    "后晚": (2, "晚上"),
}
_WEEK_OFFSET = {"下下": 2, "下": 1, "这": 0, "本": 0, "上": -1, "上上": -2}
# 「12.10」「12-10」: month and day, unless a unit follows (「1.5小时后」「8-10点」 are no dates)
_UNITS = r"个|小时|钟头|分|秒|天|周|星期|礼拜|月|年|点|點|时|時|:|%|倍|元|万|人|次|岁"


# Holidays on a fixed date; 春节, 端午, 中秋 follow the lunar calendar and are not read.
_HOLIDAYS = {
    "元旦": (1, 1),
    "元旦节": (1, 1),
    "五一": (5, 1),
    "劳动节": (5, 1),
    "五一劳动节": (5, 1),
    "儿童节": (6, 1),
    "六一": (6, 1),
    "教师节": (9, 10),
    "国庆": (10, 1),
    "国庆节": (10, 1),
}
_DAY_CHARS = "一二三四五六日天七1234567"
_NUMERALS = "零〇一二两三四五六七八九十"


_WORKDAYS = set(range(5))
_WEEKEND = {5, 6}
_YEAR_OFFSET = {"今年": 0, "明年": 1, "去年": -1}


_NEXT_WEEK = {"这个": "下个", "这": "下", "本": "下", "下个": "下下个", "下": "下下"}


_WEEK_PREFIX = r"(?:下下个?|下个?|上上个?|上个?|这个?|本)"
_WEEK_PREFIX_RE = re.compile(rf"{_WEEK_PREFIX}(?={WEEK})")
_THIS_WEEK = ("这", "这个", "本")
