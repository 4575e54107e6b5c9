"""Remove what scraped pages carry besides the notice, and repair what can be repaired.

Each removal is counted by category with a few samples, so the person ingesting a file sees
what was thrown away: lottery spam and planted URLs, site navigation, lists of unrelated dated
headlines, share/QR/copyright/editor boilerplate, pinyin annotations, and mojibake.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowledge.models import TRUNCATION_NOTE

CJK = "\u4e00-\u9fff"
SAMPLE_CHARS = 40
TRUNCATION_MARKER = re.compile(r"\s*\[\.\.\.[^\]\n]{0,80}\.\.\.\]")

# GBK bytes of 「省（区」 read one byte out of step, then re-encoded: the lead byte of 省 and the
# trail byte of 区 are lost, so the general case cannot be decoded, but this fragment recurs in
# every 各省(区、市) of MOE pages scraped this way. The pair 「。</p>」 suffers the same fate.
KNOWN_MOJIBAKE = (
    (re.compile(r"各\?。ㄇ\?、市\)"), "各省(区、市)"),
    (re.compile(r"\?。ㄇ\?、市\)"), "省(区、市)"),
    (re.compile(r"\?! \?/p>"), "。"),
    (re.compile(r"\?/p>"), ""),
)
UNRECOVERABLE_MOJIBAKE = re.compile(rf"(?<=[{CJK}])\?{{2,}}|\?{{2,}}(?=[{CJK},，。])")
HTML_REMNANT = re.compile(r"</?(?:p|span|div|br|strong|b|font)\b[^>]*>", re.IGNORECASE)
# Pinyin glossed in brackets after a character by some mirrors (「中國西藏網(wǎng)」): a bracket of
# pinyin letters right after a character, closed, or open where the page's line or text ends
# (「高質(zh」, its gloss cut off with the page). See `_pinyin_note`.
PINYIN_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
PINYIN_LETTERS = f"a-zü{PINYIN_TONED}"
PINYIN_CANDIDATE = re.compile(
    rf"(?<=([{CJK}]))\(([{PINYIN_LETTERS}]{{1,7}})(?:(\))|(?=[ \t]*(?:\n|$|\[\.\.\.)))"
)
TONE_MARKS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ", "aaaaeeeeiiiioooouuuuvvvvvnnn")
# Wording that a simplified→Taiwan converter put into some mirrors (中小学 → 中國小 …).
TAIWAN_WORDING = (
    ("中国小学", "中小学"),
    ("中国小", "中小学"),
    ("幼稚园", "幼儿园"),
    ("结果套用", "结果应用"),
    ("转换与套用", "转换与应用"),
    ("学分套用", "学分应用"),
    ("套用", "应用"),
)

# Words of lottery and gambling ads that no notice on teacher training uses.
GAMBLING_WORDS = (
    r"(?:高频|快)?(?:11|十一)选[五5]|时时彩|六合彩|双色球|大乐透|七乐彩|七星彩|福彩3[dD]"
    r"|北京赛车|幸运飞艇|[pP][kK]10|彩票(?!公益金)|博彩|彩金|(?<!公)开奖|娱乐城|娱乐场|葡京"
    r"|赌场|百家乐|老虎机|真人视讯|棋牌游戏"
)
# What such an ad says around those words: calls to click or register, bonuses, tips.
AD_TAIL = (
    r"(?:注册|首存|首充|充值|存款)?(?:就|即)?送(?:彩金)?\d*(?:元|%)?|彩金\d*元?"
    r"|今日推荐|点击(?:查看|进入|下载|注册)|立即(?:注册|下载|投注|进入)|免费注册|在线投注"
    r"|官方网站|官网|唯一指定|开奖(?:结果|号码|直播|记录)?|走势图?|推荐"
)
LOTTERY = re.compile(
    rf"[{CJK}]{{0,6}}(?:{GAMBLING_WORDS})[{CJK}]{{0,6}}[:：]?"
    rf"(?:[ \t]*(?:(?:{AD_TAIL})|[{CJK}]{{0,4}}(?:{GAMBLING_WORDS})[{CJK}]{{0,6}}))*"
)
URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9./%?=&#:+~_-]+"
    r"|(?<![A-Za-z0-9.@-])(?:[A-Za-z0-9-]+\.)+(?:com|net|cn|org|cc|top|vip)\b"
)
# An address with whatever ASCII follows it up to a space (…login?id=1,2): spacing is kept.
WEB_TOKEN = re.compile(f"(?:{URL.pattern})[!-~]*")
# What a notice writes just before an address it gives (「报名网址为」「请登录」「平台:」).
URL_CONTEXT = re.compile(
    r"(?:网址|网站|登录|登陆|平台|邮箱|电子邮件|地址|链接|访问|网页|主页|详见|浏览|进入)"
    r"[^A-Za-z0-9]{0,6}$"
)
# A site advertising itself or another (「更多精彩请访问…」「本文转载自…」): no address kept there.
SITE_PLUG = re.compile(r"更多|精彩|本站|本网|转载|欢迎访问|手机版|客户端|下载APP", re.IGNORECASE)
DATED_HEADLINE = re.compile(r"^\s*[•·●▪◆\-*]?\s*.{4,90}?\s+\d{4}-\d{2}-\d{2}\s*$")
BULLET_ONLY = re.compile(r"^\s*[•·●▪◆]\s*$")
NAVIGATION = re.compile(
    r"^\s*(?:当前位置|您的位置|所在位置)[:：]|^\s*首页\s*[>›»\-]|>\s*首页|^.{0,30}(?:>|›|»).{0,30}>"
    r"|点击进入\s*$|^\s*下一页|^\s*上一页|^\s*(?:简述|目录|正文|文章属性|信息公开_其他|时讯"
    r"|通知公告|新闻动态|工作动态|公示公告|政务公开|信息公开|网站首页|返回首页)\s*$"
    r"|^\s*发布于[:：].{0,40}作者[:：]|^\s*\S{2,10}(?:网站|网|平台|频道)\s*$"
)
# A site menu written as one line (「首页 | 新闻 | 通知公告」, an HTML <ul> of short links).
MENU_SEPARATOR = re.compile(r"\s*[|｜]\s*|\s{2,}|\s+[·•]\s+")
MENU_WORD = re.compile(
    r"^(?:网站)?首页$|^主页$|^新闻|^通知公告$|^机构|^政务|^信息公开$|^联系我们$|^关于我们$"
    r"|^网站地图$|^登录$|^注册$|^English$|^下载中心$|^办事|^互动|^概况$|^专题"
)
SITE_NAME = re.compile(r"^\S{2,10}(?:网站|网|平台|频道)$")
# A breadcrumb: where on the site the page is (「您现在的位置：首页 > 通知公告」「当前位置：首页 »
# 政务公开 / 通知」), a location prefix and a run of short items; without the prefix a run of
# items joined by arrows, one of them a menu's word (「首页 → 通知公告」).
LOCATION_PREFIX = re.compile(
    r"^\s*(?:[您你]?(?:现在|目前|当前)?(?:所在)?的?位置|(?:当前)?(?:页面|栏目)?导航"
    r"|当前(?:页面|栏目))\s*[:：]\s*"
)
BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:->|[>＞›»→/／\\|｜·•-]+)\s*|\s+")
BREADCRUMB_ARROW = re.compile(r"\s*(?:->|[>＞›»→]+)\s*")
BREADCRUMB_ITEM = re.compile(r"[^。，,；;：:！!？?《》“”()（）]{1,12}")
RELATED_LIST_HEADING = re.compile(
    r"^\s*(?:猜你喜欢|相关文章|相关阅读|推荐阅读|热门文章|延伸阅读)[:：]?\s*$"
)
BOILERPLATE = re.compile(
    r"点击右上角|选择在浏览器中打开|扫一扫|二维码|分享本页|分享到|打印本页|关闭窗口|【字体"
    r"|责任编辑|版权所有|版权声明|本站部分|如有侵权|不承担相关法律责任|欢迎发送邮件|公网安备"
    r"|网站标识码|ICP备|中文域名|^\s*来源[:：]\s*\S{0,12}\s*$|发布时间[:：]\s*\d{4}"
    r"|^\s*\S+\.(?:docx?|pdf|wps)\s*$|^\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
METADATA_TABLE = re.compile(
    r"^\s*(?:信息名称|信息索引|生成日期|发文机构|发文字号|信息类别|内容概述|主题分类)[:：]"
    r"|^\s*•?\s*【(?:制定机关|公布日期|文号|施行日期|效力等级|时效性|主题分类)】"
)
CLAUSE_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第[一二三四五六七八九十]+)"
)


@dataclass
class CleanResult:
    """Cleaned text plus what was removed (by category) and how many repairs were made."""

    text: str
    removed: Counter = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    repaired: int = 0
    # Characters converted from traditional to simplified (and Taiwan wording replaced): a
    # conversion, not a repair of garbled text.
    simplified: int = 0

    def note(self, category: str, sample: str, count: int = 1) -> None:
        """Record a removal in `category` with a short sample."""
        self.removed[category] += count
        kept = self.samples.setdefault(category, [])
        sample = sample.strip()
        if len(sample) > SAMPLE_CHARS:
            sample = sample[: SAMPLE_CHARS - 1] + "…"
        if sample and len(kept) < 3 and sample not in kept:
            kept.append(sample)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """The characters without which OpenCC's t2s changes nothing: each traditional character it
    replaces, and the changed character of each phrase it rewrites whose characters it would
    not replace alone (覆 in 反覆 → 反复)."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    found = set()
    characters = {}
    for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines():
        key, _, values = line.partition("\t")
        characters[key] = values.split()[0]
        if characters[key] != key:
            found.add(key)
    for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines():
        key, _, values = line.partition("\t")
        value = values.split()[0]
        if value != key and found.isdisjoint(key):
            found.update(k for k, v in zip(key, value, strict=False) if k != v)
            if len(key) != len(value):
                found.update(key)
    return frozenset(found)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (text without any is returned as it
    is, at once: OpenCC's pure-Python matcher took a fifth of a question's analysis)."""
    if _traditional_chars().isdisjoint(text):
        return text
    return _t2s().convert(text)


def clean_text(raw: str) -> CleanResult:
    """Return the notice text of a scraped page with junk removed and mojibake repaired."""
    result = CleanResult(text="")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    text = text.replace("\xa0", " ").replace("\ufeff", "").replace("\u200b", "")
    # Pinyin first: a gloss cut off by the page's end stands right before the truncation marker.
    text = _remove_pinyin_notes(text, result)
    text = _remove_pattern(text, TRUNCATION_MARKER, "truncation_marker", result, TRUNCATION_NOTE)
    for pattern, replacement in KNOWN_MOJIBAKE:
        text, count = pattern.subn(replacement, text)
        result.repaired += count
    text = _remove_pattern(text, UNRECOVERABLE_MOJIBAKE, "mojibake_unrecoverable", result)
    text = _remove_pattern(text, HTML_REMNANT, "html_remnant", result)
    simplified = to_simplified(text)
    if simplified != text:
        changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
        result.note("traditional_to_simplified", f"{changed} 个繁体字已转为简体", 0)
        result.simplified += changed
        text = simplified
        for wrong, right in TAIWAN_WORDING:
            text, count = re.subn(wrong, right, text)
            result.simplified += count
    text = _remove_lines(text, result)
    # URLs first: a lottery word inside one (www.bjpk10zb.com) must not cut it in two.
    text = _remove_planted_urls(text, result)
    text = _remove_pattern(text, LOTTERY, "lottery_spam", result)
    text = _tidy_spacing(text)
    result.text = text
    return result


def _remove_pattern(
    text: str, pattern: re.Pattern, category: str, result: CleanResult, replacement: str = ""
) -> str:
    def drop(match: re.Match) -> str:
        result.note(category, match.group(0).strip())
        return replacement

    return pattern.sub(drop, text)


def _remove_pinyin_notes(text: str, result: CleanResult) -> str:
    """Remove the pinyin glossed after characters (「網(wǎng)」, 「們(men)」, a cut 「質(zh」)."""
    return PINYIN_CANDIDATE.sub(lambda match: _pinyin_note(match, result), text)


def _pinyin_note(match: re.Match, result: CleanResult) -> str:
    """The match removed (and noted) if it is a character's pinyin, else kept as it is.

    A closed bracket with a tone mark is pinyin (no English word has one); a toneless one
    (「們(men)」) only when it is the character's own reading, so 「项目(a)」 stays. An open one
    at a line's end was cut off: pinyin when it has a tone mark or begins the character's
    reading (質 zhi: 「(zh」). English in brackets is kept: (MOOC), (2015-2020年), (www…).
    """
    from knowledge.spelling import char_pinyin

    character, letters, closed = match.groups()
    toned = any(letter in PINYIN_TONED for letter in letters)
    toneless = letters.translate(TONE_MARKS)
    reading = char_pinyin(character)[0]
    own_reading = toneless == reading if closed else reading.startswith(toneless)
    if not (toned or own_reading):
        return match.group(0)
    result.note("pinyin_annotation", match.group(0))
    return ""


def _remove_planted_urls(text: str, result: CleanResult) -> str:
    """Remove URLs that scraper sites plant; keep an address the notice itself gives."""
    lines = []
    for line in text.split("\n"):
        spam_line = LOTTERY.search(line) is not None or SITE_PLUG.search(line) is not None

        def drop(match: re.Match, line: str = line, spam_line: bool = spam_line) -> str:
            if not spam_line and _is_given_address(line, match.start(), match.end()):
                return match.group(0)
            result.note("planted_url", match.group(0))
            return ""

        lines.append(URL.sub(drop, line))
    return "\n".join(lines)


def _is_given_address(line: str, start: int, end: int) -> bool:
    """「报名网址为http://…」「登录中国教师研修网(www.…)」: the notice names the address."""
    before = re.split(r"[。;；!?！？]", line[:start])[-1]
    if URL_CONTEXT.search(before):
        return True
    return bool(re.search(rf"[{CJK}A-Za-z][(（]$", before) and re.match(r"[)）]", line[end:]))


def _remove_lines(text: str, result: CleanResult) -> str:
    """Drop navigation, headline lists, boilerplate and related-article lists, line by line.

    Only whole lines go. A line that merely recurs (the issuer above the title and in the
    signature, a repeated addressee) is notice text; the one thing taken out of a sentence is
    a site's own name planted inside a parenthesis (「省(国培远程培训平台区)」).
    """
    lines = text.split("\n")
    planted = _planted_site_names(lines)
    kept: list[str] = []
    in_related_list = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if in_related_list:
            if _is_notice_text(stripped):
                in_related_list = False
            else:
                result.note("related_articles", stripped)
                continue
        if RELATED_LIST_HEADING.match(stripped):
            in_related_list = True
            result.note("related_articles", stripped)
            continue
        category = _junk_line_category(stripped)
        if category:
            result.note(category, stripped)
            continue
        for pattern, name in planted:
            line, count = pattern.subn("", line)
            if count:
                result.note("site_navigation", name, count)
        kept.append(line)
    return "\n".join(kept)


def _junk_line_category(line: str) -> str | None:
    if BULLET_ONLY.match(line) or DATED_HEADLINE.match(line):
        return "unrelated_headlines"
    if METADATA_TABLE.search(line):
        return "metadata_table"
    # An ad's 「点击进入」 is no menu: 「双色球 开奖结果 点击进入」 is reported as lottery spam.
    if LOTTERY.fullmatch(line) or (LOTTERY.search(line) and len(LOTTERY.sub("", line)) < 8):
        return "lottery_spam"
    if NAVIGATION.search(line) or _is_menu_line(line) or is_breadcrumb(line):
        return "site_navigation"
    if BOILERPLATE.search(line):
        return "share_copyright_boilerplate"
    return None


def _is_menu_line(line: str) -> bool:
    """Three or more short items with a site menu's words: 「首页 | 新闻 | 通知公告」; two when
    both are a menu's words (「首页 | 政务公开」, the two links of a page's menu)."""
    items = [item for item in MENU_SEPARATOR.split(line.strip()) if item]
    if len(items) < 2 or not all(_is_menu_item(item) for item in items):
        # A menu copied off a page with one space between its links (「首页 政务公开 登录」),
        # whose words would run together into the title's first words: two menu words at least.
        links = line.split()
        return (
            len(links) >= 3
            and all(_is_menu_item(link) for link in links)
            and sum(1 for link in links if MENU_WORD.search(link)) >= 2
        )
    menu_words = sum(1 for item in items if MENU_WORD.search(item))
    return menu_words == len(items) if len(items) == 2 else menu_words > 0


def is_breadcrumb(line: str) -> bool:
    """「您现在的位置：首页 > 通知公告」「所在位置：首页 / 通知」「您的位置：」 (its links on the
    next line), 「首页 → 通知公告」: a location prefix and short items (none with a sentence's
    punctuation) or, without one, two or more items between arrows, one of them a menu's word."""
    prefix = LOCATION_PREFIX.match(line)
    if prefix:
        rest = line[prefix.end() :].strip()
        items = [item for item in BREADCRUMB_SEPARATOR.split(rest) if item]
        if not all(BREADCRUMB_ITEM.fullmatch(item) for item in items):
            return False
        # A bare 「位置：」 with one item could be a venue (「位置：县一中报告厅」).
        bare = prefix.group().strip().rstrip(":：").strip() == "位置"
        return len(items) >= 2 or not bare
    items = BREADCRUMB_ARROW.split(line.strip())
    return (
        len(items) >= 2
        and all(BREADCRUMB_ITEM.fullmatch(item) for item in items)
        and any(MENU_WORD.search(item) for item in items)
    )


def _is_menu_item(item: str) -> bool:
    return len(item) <= 8 and not re.search(r"[。,，;；]", item)


def _is_notice_text(line: str) -> bool:
    """True for a line that looks like the body of a notice rather than a list of links."""
    if CLAUSE_START.match(line) and len(line) > 12:
        return True
    if line.startswith(("各", "有关")) and line.endswith((":", ":")):
        return True
    return len(line) > 60 and "。" in line


def _planted_site_names(lines: list[str]) -> list[tuple[re.Pattern, str]]:
    """A site's name (「…网」「…平台」 on a line of its own, at least twice) and where it was
    planted into a sentence: right after an opening bracket, before the bracket's own words."""
    counts = Counter(line.strip() for line in lines if SITE_NAME.match(line.strip()))
    return [
        (re.compile(rf"(?<=[(（]){re.escape(name)}(?=[{CJK}])"), name)
        for name, count in counts.items()
        if count >= 2
    ]


def _join_spaced(text: str) -> str:
    text = re.sub(rf"(?<=[{CJK}0-9%,，。、;；:：)）”])[ \t]+(?=[{CJK}(（“])", "", text)
    text = re.sub(rf"(?<=[{CJK}])[ \t]+(?=\d)", "", text)
    return re.sub(r"(?<=\d)[ \t]+(?=[年月日%])", "", text)


def _tidy_spacing(text: str) -> str:
    """Join characters that PDF extraction spaced apart (not a web address and the word after
    it: the space ends the link), and squeeze blank lines."""
    parts = WEB_TOKEN.split(text)
    addresses = WEB_TOKEN.findall(text)
    text = "".join(
        _join_spaced(part) + address for part, address in zip(parts, [*addresses, ""], strict=True)
    )
    text = re.sub(r"[ \t]+", " ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
