"""Whom a notice's rules bind: 国培计划 as a whole, one training class or event, or one
province (or city, county).

Some notices set up one class or event (「中小学少数民族双语教师普通话培训班」, a 会议, a 遴选,
a 招标): their clauses (「年龄不超过45周岁」) bind that class alone, yet they answer general
questions (「参加国培有年龄限制吗」) as well as any. A province's own notice (「云南省教育厅关于
做好2026年“国培计划”项目实施工作的通知」) binds that province alone. Whoever shows such a clause
adds one line saying so, unless the question names that class or province itself
(`scope_note`); a question that does not name it is answered by it only when no general clause
comes close, and then not surely (`prefer_general`).

Decided from the title, as the rest of the metadata does not tell them apart (a general notice
and a class's notice may both lack an addressee or a 文号). Over the NFKC, simplified title:

1. general: a title that guides every class (「关于加强…培训班管理」), passes on a meeting's
   精神 or 纪要, or whose subject (between 关于 and 的通知) ends in 办法, 规定, 指南, 意见,
   机制 …; a document it issues that names a set of rules (《…管理办法》) is left out first;
2. else one class or event: a title naming a class (培训班, 研修班, 研修营 …), a meeting (会议,
   研讨会, 论坛 …), a selection (遴选, 评选), a tender (招标, 招(邀)标, 采购公告) or a contest
   (比赛, 大赛);
3. else (a general title included) one region, when the issuer (the title before 关于, or
   its start) is a province's (云南省教育厅, 广西壮族自治区教育厅) or a city's or county's
   (昆明市教育体育局);
4. else general.

Pure functions: no bot, Telegram or database imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from knowledge.cleaning import to_simplified
from knowledge.models import BLURB_TITLE, Document, Hit

# (a kind, the words a title uses for it, how the reader is told whom it binds, the words of
# a question that refer to it). The first word of a kind the title holds is the one shown.
_KINDS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (
        "培训班",
        (
            "培训班", "研修班", "高研班", "进修班", "提高班", "示范班", "专题班", "训练营",
            "研修营", "培训营", "夏令营", "冬令营",
        ),
        "这个{word}",
        ("班", "营", "培训", "研修"),
    ),
    (
        "会议",
        (
            "会议", "研讨会", "座谈会", "推进会", "交流会", "培训会", "现场会", "报告会",
            "观摩会", "工作会", "年会", "论坛",
        ),
        "这次{word}",
        ("会议", "论坛", "研讨", "座谈", "大会", "年会"),
    ),
    ("遴选", ("遴选", "评选", "推选"), "这次{word}", ("遴选", "评选", "推选")),
    ("招标", ("招标", "采购公告", "磋商公告", "中标"), "这次招标的项目", ("招标", "投标", "采购")),
    ("比赛", ("大赛", "竞赛", "比赛"), "这次{word}", ("赛",)),
)
# 招(邀)标 and 招（邀）标 are 招标.
_INVITED_TENDER = re.compile(r"招\(邀\)标|招邀标")
# The name of a document a notice issues: 《“国培计划”示范性集中培训项目管理办法》.
_QUOTED = re.compile(r"《([^《》]*)》")
_RULE_ENDINGS = (
    "办法", "规定", "规范", "标准", "指南", "细则", "制度", "意见", "条例", "规程", "章程",
    "机制", "要点", "纲要",
)
# 「关于加强…培训班管理的通知」 guides every class; a meeting's 精神 or 纪要 binds beyond it.
_GENERAL = re.compile(r"关于(?:进一步)?(?:加强|规范|改进|推进|完善|深化)|会议?精神|会议纪要")
# A title's frame around its subject: 「教育部办公厅关于举办」… 「的通知」.
_LEAD = re.compile(r"^.*?关于(?:举办|召开|开展|组织|做好|公布|印发|发布|启动)?")
_TAIL = re.compile(r"(?:的)?(?:预通知|补充通知|通知|公告|通告|公示|函)(?:\(节选\))?$")
# Words that name no class in particular: a question holding them names nothing. A class's
# level or kind of trainee (高级, 骨干, 乡村) is shared by many classes: 「高级研修班」 is no name.
_GENERIC = (
    "国培计划", "国培", "国家级", "省级", "市级", "县级", "全国", "中小学", "幼儿园", "中学",
    "小学", "教师", "老师", "学员", "校长", "培训", "研修", "项目", "工作", "实施", "组织",
    "举办", "召开", "开展", "年度", "高级", "中级", "初级", "骨干", "青年", "新任", "优秀",
    "乡村", "农村", "示范性", "专题", "第", "期", "届", "的", "和", "与", "及", "等",
)
REGION = "地区"  # the kind of a province's, city's or county's own notice
# Province-level regions: the full name a title uses first, then the names a question may use.
_PROVINCES: tuple[tuple[str, ...], ...] = (
    ("新疆生产建设兵团", "兵团"),  # before 新疆: 「新疆生产建设兵团教育局」 is not 新疆's
    ("北京市", "北京"), ("天津市", "天津"), ("上海市", "上海"), ("重庆市", "重庆"),
    ("河北省", "河北"), ("山西省", "山西"), ("辽宁省", "辽宁"), ("吉林省", "吉林"),
    ("黑龙江省", "黑龙江"), ("江苏省", "江苏"), ("浙江省", "浙江"), ("安徽省", "安徽"),
    ("福建省", "福建"), ("江西省", "江西"), ("山东省", "山东"), ("河南省", "河南"),
    ("湖北省", "湖北"), ("湖南省", "湖南"), ("广东省", "广东"), ("海南省", "海南"),
    ("四川省", "四川"), ("贵州省", "贵州"), ("云南省", "云南"), ("陕西省", "陕西"),
    ("甘肃省", "甘肃"), ("青海省", "青海"), ("台湾省", "台湾"),
    ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("西藏自治区", "西藏"),
    ("宁夏回族自治区", "宁夏"), ("新疆维吾尔自治区", "新疆"),
    ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
)
# A city's, prefecture's or county's authority at the start of an issuer: 「昆明市教育体育局」.
_LOCAL = re.compile(
    r"^([\u4e00-\u9fff]{1,10}?(?:市|自治州|州|盟|地区|自治县|县|区|旗))"
    r"(?=人民政府|教育|教体|教委|财政|人力资源|人社|党委)"
)
# What a question calls a city or county: its name without 市, 县, 自治州 …
_LOCAL_SUFFIX = re.compile(
    r"(?:[\u4e00-\u9fff]{1,6}?族)*自治(?:州|县|旗)$|(?:市|州|盟|地区|县|区|旗)$"
)
# An issuer is an authority: 「云南省教育厅」, 「昆明市人民政府办公室」.
_AUTHORITY = re.compile(r"(?:厅|局|委|委员会|政府|办公室|办公厅|中心|处)$")
_NOT_WORD = re.compile(r"[^\u3400-\u9fffA-Za-z]+")
TITLE_CHARS = 30  # of a title quoted in the note (the citation under it has it whole)
# A general clause this close to a scoped top hit comes first (bench/knowledge_quality.py,
# twenty-two sets: at 0.7 five answers become right and one wrong; at 0.6 three become wrong).
GENERAL_SHARE = 0.7
GENERAL_LOOKAHEAD = 2  # of the hits after the top one


@dataclass(frozen=True, slots=True)
class NoticeScope:
    """A notice about one class or event, or one region's own notice: its kind (培训班, 会议,
    遴选, 招标, 比赛, 地区), the word the title uses for it (研修班; the region: 云南省), its
    name as the title gives it, and for a region the authority that issued it (云南省教育厅)."""

    kind: str
    word: str
    name: str
    issuer: str = ""

    @property
    def applies_to(self) -> str:
        """「这个培训班」, 「这次会议」, 「这次招标的项目」, 「云南省」: what the clause binds."""
        if self.kind == REGION:
            return self.name
        template = next(template for kind, _, template, _ in _KINDS if kind == self.kind)
        return template.format(word=self.word)

    def named_in(self, question: str) -> bool:
        """Whether the question names this class, event or region. A region: by its name
        (云南, 云南省). A class: the question holds at least half of the characters of the
        name's own words (双语, 普通话, 甘肃省; not 教师, 高级 or 培训班), in pieces of two or
        more, or one such piece just before the word for its kind (双语培训班, 普通话培训)."""
        text = _fold(question).replace("班主任", "")
        if self.kind == REGION:
            return any(name in text for name in region_names(self.name))
        pieces = _own_words(self.name)
        total = sum(len(piece) for piece in pieces)
        if not total:
            return False
        covered = sum(_covered(piece, text) for piece in pieces)
        if covered * 2 >= total:
            return True
        cues = next(cues for kind, _, _, cues in _KINDS if kind == self.kind)
        return any(_before_cue(piece, text, cues) for piece in pieces)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", to_simplified(text))


def _own_words(name: str) -> list[str]:
    """The pieces of a class's name left once the generic words and the kind's word are out:
    「中小学少数民族双语教师普通话培训班」 → 少数民族双语, 普通话."""
    text = _INVITED_TENDER.sub(" ", name)
    for _, words, _, _ in _KINDS:
        for word in words:
            text = text.replace(word, " ")
    for word in _GENERIC:
        text = text.replace(word, " ")
    return [piece for piece in _NOT_WORD.split(text) if len(piece) >= 2]


def _covered(piece: str, text: str) -> int:
    """How many characters of `piece` stand in `text` within a shared stretch of two or more."""
    marked = [False] * len(piece)
    for start in range(len(piece) - 1):
        for end in range(len(piece), start + 1, -1):
            if piece[start:end] in text:
                for i in range(start, end):
                    marked[i] = True
                break
    return sum(marked)


def _before_cue(piece: str, text: str, cues: tuple[str, ...]) -> bool:
    """Whether a stretch of two or more characters of `piece` stands in `text` right before
    one of `cues`, with only generic words between (双语教师培训班, 甘肃高级研修班)."""
    for start in range(len(piece) - 1):
        for end in range(start + 2, len(piece) + 1):
            stretch = piece[start:end]
            found = text.find(stretch)
            while found >= 0:
                if _starts_with_cue(text[found + len(stretch) :], cues):
                    return True
                found = text.find(stretch, found + 1)
    return False


def _starts_with_cue(rest: str, cues: tuple[str, ...]) -> bool:
    """Whether `rest` opens with one of `cues` once leading generic words are skipped."""
    while True:
        if rest.startswith(cues):
            return True
        skipped = next((word for word in _GENERIC if rest.startswith(word)), None)
        if skipped is None:
            return False
        rest = rest[len(skipped) :]


def _unless_rules(quoted: re.Match[str]) -> str:
    """A quoted document's name, left out when it names a set of rules (《…管理办法》)."""
    name = quoted.group(1).removesuffix("(试行)")
    return "" if name.endswith(_RULE_ENDINGS) else quoted.group(1)


@lru_cache(maxsize=4096)
def notice_scope(title: str) -> NoticeScope | None:
    """The class or event a notice with this title is about, else the region whose own notice
    it is; None for a notice of 国培计划 as a whole (or of nothing: an empty title, a page's
    own blurb)."""
    if not title or title == BLURB_TITLE:
        return None
    folded = _fold(title)
    return _event_scope(folded) or _region_scope(folded)


def _event_scope(folded: str) -> NoticeScope | None:
    """The class or event of a folded title (rules 1 and 2)."""
    if _GENERAL.search(folded):
        return None
    subject = _TAIL.sub("", _QUOTED.sub(_unless_rules, folded)).rstrip("“”\"' ")
    subject = _LEAD.sub("", subject)
    if not subject or subject.endswith(_RULE_ENDINGS):
        return None
    text = _INVITED_TENDER.sub("招标", subject)
    for kind, words, _, _ in _KINDS:
        for word in words:
            if word in text:
                name = _TAIL.sub("", _LEAD.sub("", folded))
                return NoticeScope(kind=kind, word=word, name=re.sub("[《》]", "", name))
    return None


def _region_scope(folded: str) -> NoticeScope | None:
    """The region whose authority issued a notice with this folded title (rule 3): the title
    before 关于 (「云南省教育厅 云南省财政厅」), or, without 关于, the start of the title."""
    issuer = folded.split("关于", 1)[0].strip() if "关于" in folded else ""
    start = issuer or re.sub(r"^[“”\"'《]*国培计划[^”\"']*[”\"']*", "", folded).lstrip("“”\"' ")
    region = _region_at(start)
    if region is None:
        return None
    issuers = [part for part in re.split(r"[\s、,，]+", issuer) if part]
    shown = "、".join(issuers) if issuers and all(_AUTHORITY.search(p) for p in issuers) else ""
    return NoticeScope(kind=REGION, word=region, name=region, issuer=shown)


def _region_at(text: str) -> str | None:
    """The province (or, after it or alone, the city or county) whose name opens `text`."""
    province = next((names for names in _PROVINCES if text.startswith(names)), None)
    if province is not None:
        rest = text[len(next(n for n in province if text.startswith(n))) :]
        local = _LOCAL.match(rest)
        return local.group(1) if local else province[0]
    local = _LOCAL.match(text)
    return local.group(1) if local else None


def region_names(region: str) -> tuple[str, ...]:
    """The names a question may call a region by: 云南省, 云南; 昆明市, 昆明."""
    for names in _PROVINCES:
        if region == names[0]:
            return names
    short = _LOCAL_SUFFIX.sub("", region)
    return (region, short) if len(short) >= 2 else (region,)


def _regions_named(question: str) -> list[str]:
    """The provinces a question names, in its order (甘肃 → 甘肃省)."""
    text = _fold(question)
    found = []
    for names in _PROVINCES:
        at = [text.find(name) for name in names if name in text]
        if at:
            found.append((min(at), names[0]))
    return [region for _, region in sorted(found)]


def document_scope(document: Document) -> NoticeScope | None:
    """`notice_scope` of a notice."""
    return notice_scope(document.title) if document.is_notice else None


def scope_note(
    title: str,
    question: str,
    doc_number: str = "",
    *,
    short: bool = False,
    in_class: bool = False,
) -> str | None:
    """The line shown before the citation of a clause from a notice about one class or event,
    or from a region's own notice, unless the question names it (or the notice's 文号); None
    for a general notice. `short`: without the title, for an excerpt whose citation follows at
    once. `in_class`: the reader is in a class of the bot's, whose 班主任 can be asked; others
    are sent to their own class's or province's notice."""
    scope = notice_scope(title)
    if scope is None or scope.named_in(question):
        return None
    if doc_number and _fold(doc_number) in _fold(question):
        return None
    if scope.kind == REGION:
        return _region_note(scope, title, question, short=short, in_class=in_class)
    if short:
        return f"⚠️ 只适用于{scope.applies_to}，不是国培计划的通用规定"
    ending = "具体要求请问班主任。" if in_class else "具体要求请以您所在培训班的通知为准。"
    return (
        f"⚠️ 这一条出自《{_quoted(title)}》，只适用于{scope.applies_to}，"
        f"不是国培计划的通用规定；{ending}"
    )


def _region_note(
    scope: NoticeScope, title: str, question: str, *, short: bool, in_class: bool
) -> str:
    """`scope_note` of a region's own notice: 「…只适用于云南省，不适用于甘肃省…」 when the
    question names another province."""
    other = next((region for region in _regions_named(question) if region != scope.name), None)
    differs = f"不适用于{other}" if other else "不是国培计划的通用规定"
    if short:
        return f"⚠️ 只适用于{scope.name}，{differs}"
    source = f"{scope.issuer}的通知" if scope.issuer else f"《{_quoted(title)}》"
    if in_class:
        ending = "具体要求请问班主任。"
    else:
        ending = f"具体要求请以{other or '您所在省份'}的通知为准。"
    return f"⚠️ 这一条出自{source}，只适用于{scope.name}，{differs}；{ending}"


def _quoted(title: str) -> str:
    """A title as the note quotes it: cut to TITLE_CHARS."""
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def binds_elsewhere(hit: Hit, question: str) -> bool:
    """Whether the hit's clause binds a class, event or region the question does not name."""
    return scope_note(hit.title, question, hit.doc_number) is not None


def prefer_general(question: str, hits: list[Hit], confident: bool) -> tuple[list[Hit], bool]:
    """The hits and confidence of an answer once a top clause that binds only a class, event or
    region the question does not name has given way: to a clause binding the asker (general,
    or of what the question names) among the next GENERAL_LOOKAHEAD hits, scoring at least
    GENERAL_SHARE of it; the answer is then unsure, and unsure too when none comes close (a
    sure answer whose next line says it does not apply contradicts itself)."""
    hits = _other_regions_last(question, hits)
    if not hits or not binds_elsewhere(hits[0], question):
        return hits, confident
    top = hits[0]
    for index, hit in enumerate(hits[1 : 1 + GENERAL_LOOKAHEAD], start=1):
        # A general clause sharing none of the top's matched words (「精心挑选合格的学员」 for
        # 「有年龄限制吗」, under the clause stating 45周岁) answers something else.
        shares_words = bool(set(hit.matched_terms) & set(top.matched_terms))
        if (
            hit.score >= GENERAL_SHARE * top.score
            and shares_words
            and not binds_elsewhere(hit, question)
        ):
            return [hit, *hits[:index], *hits[index + 1 :]], False
    return hits, False


def _other_regions_last(question: str, hits: list[Hit]) -> list[Hit]:
    """The hits with those of another province's notice than the one the question names
    (「甘肃国培…」 met by 云南省教育厅's notice) moved below the rest, in their order."""
    named = _regions_named(question)
    if not named:
        return hits

    def elsewhere(hit: Hit) -> bool:
        scope = notice_scope(hit.title)
        if scope is None or scope.kind != REGION:
            return False
        return not any(name in region_names(scope.word) for name in named) and not any(
            region in scope.word for region in named
        )

    return [hit for hit in hits if not elsewhere(hit)] + [hit for hit in hits if elsewhere(hit)]
