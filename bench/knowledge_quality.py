"""Answer quality of the knowledge base by kind of question.

Five sets in tests/data/: questions.yaml (main: used while tuning); questions_holdout.yaml
(written before the 2026-11-23 work changed any code; its failures then guided that work);
questions_holdout2.yaml (blind until its first run after that work's first round; a development
set since); questions_holdout3.yaml (written before the second round, blind until the end);
questions_holdout4.yaml (written before the third round changed any code, blind until its end);
questions_holdout5.yaml (written by a helper from the notices only, before the fourth round; its
first run, 60/80, guided that round); questions_holdout6.yaml (written by another helper at
the same time and sealed: not read by the engineer changing the code until its one run at the
end of the fourth round: 66/79 top-1, 73/79 top-3 (a question repeating one of holdout5 was
then removed); the code from before that round: 60/79 and 66/79); questions_holdout7.yaml (100,
by a third helper, sealed the same way, run once after the round: 73/100 top-1, 84/100 top-3;
the code from before the round: 61 and 71); questions_holdout8.yaml (100, by a fourth helper,
sealed, run once on the ranking of the time: 69/100 top-1, 81 top-3; before: 62 and 74);
questions_holdout9.yaml (100, by a fifth helper, sealed, run once on the session's final
ranking: 75/100 top-1, 85 top-3; the code from before the session: 66 and 76);
questions_holdout10.yaml (100, by a sixth helper at the start of the third session, sealed,
run once on the unchanged ranking: 79/100 top-1, 87 top-3; 75/96 and 83/96 once four questions
repeating earlier sets word for word were removed); questions_holdout11.yaml (95, by a seventh
helper in the fourth session, sealed until its one run in the fifth, after that session's
ranking changes: 72/95 top-1, 82/95 top-3, and 73/95 once the judge read 2022.04.08 as the
date 2022年4月8日 it is); questions_holdout12.yaml (100, by an eighth helper in the fifth
session, sealed until its one run in the sixth, after that session's ranking change: 80/100
top-1, 86/100 top-3); questions_holdout13.yaml (100, by a ninth helper in the sixth session,
sealed until its one run in the seventh, after that session's two-digit-year rule: 73/100
top-1, 82/100 top-3; 11 of its 15 out-of-scope questions are answered, all as unsure);
questions_holdout14.yaml (100, by a tenth helper in the seventh session, sealed until its one
run at the end of that session's ranking work: 75/100 top-1, 86/100 top-3);
questions_holdout15.yaml (100, by an eleventh helper at the end of the seventh session, sealed
until its one run in the eighth, after the character-pair factor and clause headings: 80/100
top-1, 86/100 top-3; the code from before that session: 82 and 88);
questions_holdout16.yaml (100, by a twelfth helper in the eighth session, sealed until its one
run in the ninth, after that session's changes (a named fee's sum, no title pages below a
clause): 83/100 top-1, 88/100 top-3, the same on the code from before the session; 85 and 90
once the judge compared 文号 brackets and spaces in one form ([2010]4号 is 〔2010〕4号). Of its 15
failures one is unanswerable: the stored copy of the 2013 示范性集中培训 rules ends inside
第四条, before the 培训对象 it asks for); questions_holdout17.yaml (100, by a thirteenth helper
in the ninth session, sealed until its one run in the tenth, after that session's clause
headings: 81/100 top-1, 85/100 top-3, the same on the code from before the session; 87 and 91
once the judge read expected phrases copied from a notice in traditional characters as the
simplified text the bot shows); questions_holdout18.yaml (100, by a fourteenth helper in the
tenth session, sealed until its one run at the end of that session's ranking work: 81/100
top-1, 84/100 top-3; the code from before the session: 80 and 83; then 80/99 and 83/99 once
a question repeating one of holdout11 word for word was removed); questions_holdout19.yaml (94,
by a fifteenth helper in the tenth session, six word-for-word repeats of earlier sets dropped
unread, sealed until its one run in the eleventh, after that session's first ranking change
(years, rates, intents): 80/94 top-1, 83/94 top-3; the code from before the session: 78 and 82.
About fifteen of its questions showed in a grep over tests/data after that change was
committed and before the run; nothing was changed in between); questions_holdout20.yaml (100,
by a sixteenth helper in the eleventh session, sealed until its one run at the end of that
session's ranking and cleaning work: 90/100 top-1, 92/100 top-3; the code from before the
session: 88 and 90); questions_holdout21.yaml (100, by a seventeenth helper in the eleventh
session, sealed until its one run in the twelfth, after that session's first two ranking
changes (counts of people and times, two intents): 81/100 top-1, 88/100 top-3, the same on the
code from before the session); questions_holdout22.yaml (100, by an eighteenth helper at the
start of the twelfth session, sealed until its one run at the end of that session's ranking and
scope work: 80/100 top-1, 85/100 top-3; the code from before the session: 79 and 84);
questions_holdout23.yaml (100, by a nineteenth helper at the end of the twelfth session, sealed
until its one run in the thirteenth, after that session's first ranking change (counts of things,
intents): 79/100 top-1, 89/100 top-3; the code from before the session: 78 and 88);
questions_holdout24.yaml (100, by a twentieth helper at the start of the thirteenth session,
sealed until its one run at the end of that session's ranking work: 92/100 top-1, 95/100 top-3;
the code from before the session: 91 and 95); questions_holdout25.yaml (100, by a twenty-first
helper in the thirteenth session, sealed until its one run after that session's second round of
intents: 97/100 top-1, 97/100 top-3; the code from before the session: 94 and 95);
questions_holdout26.yaml (100, by a twenty-second helper at the end of the thirteenth session,
asked to be harder (later clauses, context first, descriptions instead of names), sealed until
its one run in the fourteenth, after that session's first ranking change (cited documents,
title pages): 89/100 top-1, 94/100 top-3, the same on the code from before the session);
questions_holdout27.yaml (100, by a twenty-third helper at the start of the fourteenth session,
also asked to be hard, sealed until its one run at the end of that session's ranking work:
81/100 top-1, 85/100 top-3; the code from before the session: 81 and 86);
questions_holdout28.yaml (100, by a twenty-fourth helper in the fourteenth session, also asked to
be hard, sealed until its one run in the fifteenth, after that session's first ranking change
(a notice's name cited in a clause): 81/100 top-1, 86/100 top-3, the same on the code from
before the session); questions_holdout29.yaml (100, by a twenty-fifth helper at the start of the
fifteenth session, also asked to be hard, sealed until its one run at the end of that session's
ranking work: 85/100 top-1, 90/100 top-3; the code from before the session: 84 and 89);
questions_holdout30.yaml (100, by a twenty-sixth helper in the fifteenth session, also asked to
be hard, sealed until its one run in the sixteenth, after that session's first ranking change (a
figure stated of the thing asked about): 91/100 top-1, 93/100 top-3, the same on the code from
before the session); questions_holdout31.yaml (100, by a twenty-seventh helper at the start of
the sixteenth session, also asked to be hard, sealed until its one run at the end of that
session's ranking work: 90/100 top-1, 92/100 top-3; the code from before the session: 89 and 91);
questions_holdout32.yaml (100, by a twenty-eighth helper at the end of the sixteenth session,
also asked to be hard, sealed until its one run in the seventeenth, after that session's first
ranking change (a word's parts weighed by their idf): 93/100 top-1, 96/100 top-3, the same on
the code from before the session); questions_holdout33.yaml (100, by a twenty-ninth helper at
the start of the seventeenth session, also asked to be hard, sealed until its one run at the end
of that session's ranking work: 80/100 top-1, 87/100 top-3, every one of its 42 sure answers
right; the same on the code from before the session); questions_holdout34.yaml (100, by a
thirtieth helper at the end of the seventeenth session, also asked to be hard, sealed until its
one run at the start of the eighteenth, on the unchanged ranking: 82/100 top-1, 86/100 top-3,
42 of its 43 sure answers right); questions_holdout35.yaml (100, by a thirty-first helper at the
start of the eighteenth session, also asked to be hard, sealed until its one run at the end of
that session's ranking work: 90/100 top-1, 94/100 top-3, 55 of its 56 sure answers right; the
code from before the session: 89 and 94); questions_holdout36.yaml (100, by a thirty-second
helper in the eighteenth session, also asked to be hard, sealed until its one run after the
changes from set 35's misses: 89/100 top-1, 90/100 top-3, all 52 of its sure answers right, every
out-of-scope question declined; the code from before the session: the same);
questions_holdout37.yaml (100, by a thirty-third helper at the end of the eighteenth session,
also asked to be hard, sealed until its one run in the nineteenth, after that session's first
ranking change (a trainee's own affairs, a day or score asked for, a figure per year): 91/100
top-1, 95/100 top-3, 53 of its 55 sure answers right, every out-of-scope question declined; the
code from before the session: 91 and 96); questions_holdout38.yaml (100, by a thirty-fourth
helper at the start of the nineteenth session, also asked to be hard, sealed until its one run
at the end of that session's second round (set 37's misses, QA25): 82/100 top-1, 89/100 top-3,
52 of its 55 sure answers right; the code from before the session: 81 and 88).
New questions belong in a new blind file: a set that guided changes no longer measures them.

Run: .venv/bin/python bench/knowledge_quality.py
     [--set main|holdout|holdout2|…|holdout38|all]
     [--cache-dir DIR] [--show-failures]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge import Answer, KnowledgeBase
from knowledge.cleaning import to_simplified
from knowledge.models import Hit

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
QUESTIONS = DATA / "questions.yaml"
HOLDOUT = DATA / "questions_holdout.yaml"
HOLDOUT2 = DATA / "questions_holdout2.yaml"
HOLDOUT3 = DATA / "questions_holdout3.yaml"
HOLDOUT4 = DATA / "questions_holdout4.yaml"
HOLDOUT5 = DATA / "questions_holdout5.yaml"
HOLDOUT6 = DATA / "questions_holdout6.yaml"
HOLDOUT7 = DATA / "questions_holdout7.yaml"
HOLDOUT8 = DATA / "questions_holdout8.yaml"
HOLDOUT9 = DATA / "questions_holdout9.yaml"
HOLDOUT10 = DATA / "questions_holdout10.yaml"
HOLDOUT11 = DATA / "questions_holdout11.yaml"
HOLDOUT12 = DATA / "questions_holdout12.yaml"
HOLDOUT13 = DATA / "questions_holdout13.yaml"
HOLDOUT14 = DATA / "questions_holdout14.yaml"
HOLDOUT15 = DATA / "questions_holdout15.yaml"
HOLDOUT16 = DATA / "questions_holdout16.yaml"
HOLDOUT17 = DATA / "questions_holdout17.yaml"
HOLDOUT18 = DATA / "questions_holdout18.yaml"
HOLDOUT19 = DATA / "questions_holdout19.yaml"
HOLDOUT20 = DATA / "questions_holdout20.yaml"
HOLDOUT21 = DATA / "questions_holdout21.yaml"
HOLDOUT22 = DATA / "questions_holdout22.yaml"
HOLDOUT23 = DATA / "questions_holdout23.yaml"
HOLDOUT24 = DATA / "questions_holdout24.yaml"
HOLDOUT25 = DATA / "questions_holdout25.yaml"
HOLDOUT26 = DATA / "questions_holdout26.yaml"
HOLDOUT27 = DATA / "questions_holdout27.yaml"
HOLDOUT28 = DATA / "questions_holdout28.yaml"
HOLDOUT29 = DATA / "questions_holdout29.yaml"
HOLDOUT30 = DATA / "questions_holdout30.yaml"
HOLDOUT31 = DATA / "questions_holdout31.yaml"
HOLDOUT32 = DATA / "questions_holdout32.yaml"
HOLDOUT33 = DATA / "questions_holdout33.yaml"
HOLDOUT34 = DATA / "questions_holdout34.yaml"
HOLDOUT35 = DATA / "questions_holdout35.yaml"
HOLDOUT36 = DATA / "questions_holdout36.yaml"
HOLDOUT37 = DATA / "questions_holdout37.yaml"
HOLDOUT38 = DATA / "questions_holdout38.yaml"
SETS = {
    "main": (QUESTIONS,),
    "holdout": (HOLDOUT,),
    "holdout2": (HOLDOUT2,),
    "holdout3": (HOLDOUT3,),
    "holdout4": (HOLDOUT4,),
    "holdout5": (HOLDOUT5,),
    "holdout6": (HOLDOUT6,),
    "holdout7": (HOLDOUT7,),
    "holdout8": (HOLDOUT8,),
    "holdout9": (HOLDOUT9,),
    "holdout10": (HOLDOUT10,),
    "holdout11": (HOLDOUT11,),
    "holdout12": (HOLDOUT12,),
    "holdout13": (HOLDOUT13,),
    "holdout14": (HOLDOUT14,),
    "holdout15": (HOLDOUT15,),
    "holdout16": (HOLDOUT16,),
    "holdout17": (HOLDOUT17,),
    "holdout18": (HOLDOUT18,),
    "holdout19": (HOLDOUT19,),
    "holdout20": (HOLDOUT20,),
    "holdout21": (HOLDOUT21,),
    "holdout22": (HOLDOUT22,),
    "holdout23": (HOLDOUT23,),
    "holdout24": (HOLDOUT24,),
    "holdout25": (HOLDOUT25,),
    "holdout26": (HOLDOUT26,),
    "holdout27": (HOLDOUT27,),
    "holdout28": (HOLDOUT28,),
    "holdout29": (HOLDOUT29,),
    "holdout30": (HOLDOUT30,),
    "holdout31": (HOLDOUT31,),
    "holdout32": (HOLDOUT32,),
    "holdout33": (HOLDOUT33,),
    "holdout34": (HOLDOUT34,),
    "holdout35": (HOLDOUT35,),
    "holdout36": (HOLDOUT36,),
    "holdout37": (HOLDOUT37,),
    "holdout38": (HOLDOUT38,),
    "all": (
        QUESTIONS,
        HOLDOUT,
        HOLDOUT2,
        HOLDOUT3,
        HOLDOUT4,
        HOLDOUT5,
        HOLDOUT6,
        HOLDOUT7,
        HOLDOUT8,
        HOLDOUT9,
        HOLDOUT10,
        HOLDOUT11,
        HOLDOUT12,
        HOLDOUT13,
        HOLDOUT14,
        HOLDOUT15,
        HOLDOUT16,
        HOLDOUT17,
        HOLDOUT18,
        HOLDOUT19,
        HOLDOUT20,
        HOLDOUT21,
        HOLDOUT22,
        HOLDOUT23,
        HOLDOUT24,
        HOLDOUT25,
        HOLDOUT26,
        HOLDOUT27,
        HOLDOUT28,
        HOLDOUT29,
        HOLDOUT30,
        HOLDOUT31,
        HOLDOUT32,
        HOLDOUT33,
        HOLDOUT34,
        HOLDOUT35,
        HOLDOUT36,
        HOLDOUT37,
        HOLDOUT38,
    ),
}
# The sets the ranking was developed with; the sealed sets measure it.
DEVELOPMENT = (QUESTIONS, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5, HOLDOUT6)
# A sealed set's first (blind) run, top-1: later work must not fall below it.
SEALED_FIRST_RUN = {
    HOLDOUT7: 0.73,
    HOLDOUT8: 0.69,
    HOLDOUT9: 0.75,
    HOLDOUT10: 0.78,
    HOLDOUT11: 0.75,
    HOLDOUT12: 0.80,
    HOLDOUT13: 0.73,
    HOLDOUT14: 0.75,
    HOLDOUT15: 0.80,
    HOLDOUT16: 0.85,
    HOLDOUT17: 0.87,
    HOLDOUT18: 0.80,
    HOLDOUT19: 0.85,
    HOLDOUT20: 0.90,
    HOLDOUT21: 0.81,
    HOLDOUT22: 0.80,
    HOLDOUT23: 0.79,
    HOLDOUT24: 0.92,
    HOLDOUT25: 0.97,
    HOLDOUT26: 0.89,
    HOLDOUT27: 0.81,
    HOLDOUT28: 0.81,
    HOLDOUT29: 0.85,
    HOLDOUT30: 0.91,
    HOLDOUT31: 0.90,
    HOLDOUT32: 0.93,
    HOLDOUT33: 0.80,
    HOLDOUT34: 0.82,
    HOLDOUT35: 0.90,
    HOLDOUT36: 0.89,
    HOLDOUT37: 0.91,
    HOLDOUT38: 0.82,
}


@dataclass(frozen=True)
class Outcome:
    """One question's result."""

    question: str
    kind: str
    passed: bool
    detail: str
    in_top3: bool = False
    answered: bool = False
    confident: bool = False


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    """One question file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_set(name: str = "all") -> list[dict]:
    """The questions of a named set: main, holdout or all (their union)."""
    return [item for path in SETS[name] for item in load_questions(path)]


BRACKETS = str.maketrans("[]【】［］", "〔〕〔〕〔〕")


def date_forms(phrase: str) -> list[str]:
    """A date is right in any form: 2019-05-13, 2019.05.13 or 2019年5月13日."""
    iso = re.fullmatch(r"(\d{4})[-.](\d{2})[-.](\d{2})", phrase)
    chinese = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", phrase)
    if iso:
        year, month, day = iso.groups()
        return [phrase, f"{year}年{int(month)}月{int(day)}日"]
    if chinese:
        year, month, day = chinese.groups()
        return [phrase, f"{year}-{int(month):02d}-{int(day):02d}"]
    return [phrase]


def plain_form(text: str) -> str:
    """Text as the judge compares it: no white space, 文号 brackets in one form ([2010] and
    〔2010〕 are the same 文号; 205 教育支出 is 205教育支出), simplified characters (an expected
    phrase copied from a notice written in traditional ones is shown simplified)."""
    return to_simplified("".join(text.split()).translate(BRACKETS))


def shown(hit: Hit) -> str:
    """What a reader sees of a hit: the passage under its clause heading, if it has one."""
    return f"{hit.heading}\n{hit.text}" if hit.heading else hit.text


def judge(item: dict, answer: Answer) -> Outcome:
    """Did the answer meet the question's expectation?"""
    expects_answer = item.get("answered", True)
    if not expects_answer:
        passed = not answer.answered
        detail = "declined" if passed else f"answered: {answer.hits[0].text[:40]!r}"
    elif not answer.answered:
        passed, detail = False, f"declined ({answer.reason})"
    else:
        top = plain_form(shown(answer.hits[0]))
        expected = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
        expected = [plain_form(form) for phrase in expected for form in date_forms(str(phrase))]
        passed = any(phrase in top for phrase in expected)
        in_top3 = any(
            phrase in plain_form(shown(hit)) for hit in answer.hits[:3] for phrase in expected
        )
        detail = "ok" if passed else f"expected {item['expect']!r}, top: {top[:60]!r}"
        return Outcome(item["q"], item["kind"], passed, detail, in_top3, True, answer.confident)
    return Outcome(
        item["q"], item["kind"], passed, detail, passed, answer.answered, answer.confident
    )


def evaluate(
    kb: KnowledgeBase, questions: list[dict], timings: list[float] | None = None
) -> list[Outcome]:
    """Ask every question and judge the answers (appending seconds per ask to `timings`)."""
    outcomes = []
    for item in questions:
        started = time.perf_counter()
        answer = kb.ask(item["q"])
        if timings is not None:
            timings.append(time.perf_counter() - started)
        outcomes.append(judge(item, answer))
    return outcomes


def accuracy_by_kind(outcomes: list[Outcome], top3: bool = False) -> dict[str, tuple[int, int]]:
    """kind → (passed, total), plus "overall"; with top3, passed means "in the first three"."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        for key in (outcome.kind, "overall"):
            table[key][0] += outcome.in_top3 if top3 else outcome.passed
            table[key][1] += 1
    return {kind: (passed, total) for kind, (passed, total) in table.items()}


def main() -> None:
    """Print accuracy by kind (and failures with --show-failures)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SETS), default="all", dest="which")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        kb = KnowledgeBase.open(args.cache_dir or Path(scratch))
        timings: list[float] = []
        names = [name for name in SETS if name != "all"] if args.which == "all" else [args.which]
        results = {name: evaluate(kb, load_set(name), timings) for name in names}
    if len(results) > 1:
        results["all"] = [outcome for name in names for outcome in results[name]]
    for name, outcomes in results.items():
        print(f"== {name}: {', '.join(path.name for path in SETS[name])}")
        print_table(outcomes)
    print_confidence(results["all" if "all" in results else names[0]])
    timings.sort()
    print(
        f"kb.ask() over {len(timings)} questions: p50 {timings[len(timings) // 2] * 1000:.2f} ms,"
        f" p99 {timings[int(len(timings) * 0.99)] * 1000:.2f} ms,"
        f" max {timings[-1] * 1000:.2f} ms"
    )
    if args.show_failures:
        for name in names:
            for outcome in results[name]:
                if not outcome.passed:
                    print(f"FAIL {name} [{outcome.kind}] {outcome.question}: {outcome.detail}")


def print_confidence(outcomes: list[Outcome]) -> None:
    """How often a confident and an unsure answer is right (the bot words them differently)."""
    for label, confident in (("confident", True), ("unsure", False)):
        chosen = [o for o in outcomes if o.answered and o.confident is confident]
        right = sum(o.passed for o in chosen)
        share = f"{right / len(chosen):.1%}" if chosen else "-"
        print(f"{label} answers: {len(chosen)}, right {right} ({share})")


def print_table(outcomes: list[Outcome]) -> None:
    """Accuracy by kind, top-1 and top-3."""
    top3 = accuracy_by_kind(outcomes, top3=True)
    print(f"{'kind':<14}{'passed':>8}{'total':>7}{'top-1':>9}{'top-3':>9}")
    for kind, (passed, total) in sorted(
        accuracy_by_kind(outcomes).items(), key=lambda item: item[0] == "overall"
    ):
        print(
            f"{kind:<14}{passed:>8}{total:>7}{passed / total:>9.1%}{top3[kind][0] / total:>9.1%}"
        )


if __name__ == "__main__":
    main()
