"""Survey benchmark: answers stored per second through the handler, and results/export time.

    .venv/bin/python bench/survey_bench.py                   # SQLite, plus PostgreSQL if reachable
    .venv/bin/python bench/survey_bench.py --trainees 300 --responses 10000 --skip-postgres

"Through the handler" means `Conversation.handle(Event)` — user upsert, pending-input lookup,
routing, the survey handler with its server-side checks, the database write and the rendering
of the next question — on a fresh database, the way the engines call it (no network). Each
trainee opens the built-in 国培项目培训满意度调查 and answers its six 满意度 questions by button;
one pass runs the trainees one after another, one pass runs them from 8 threads at once.
Then 10,000 submitted responses are seeded and `/results` figures, the chart and the XLSX and
CSV exports are timed. Targets: ≥ 500 answers/s (SQLite), results + XLSX < 3 s.

Measured on the 2-core development machine (2026-11-23, 300 trainees, 10,000 responses):

    SQLite      550-815 answers/s in turn, 550-620 from 8 threads (the machine was shared,
                load 3); /results 0.49 s, chart 0.18 s, results + XLSX 1.3 s (500 KB),
                results + CSV 0.6 s
    PostgreSQL  200-220 answers/s in turn, 250-320 from 8 threads; /results 0.51 s,
                chart 0.16 s, results + XLSX 1.3-1.5 s, results + CSV 0.7 s
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.chat import Edit, Event, EventKind  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.db.survey_models import SurveyAnswer  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from handlers import routing_table  # noqa: E402
from tests.surveys.seed import seed_survey  # noqa: E402

LIKERT_QUESTIONS = 6


def press(user: int, data: str) -> Event:
    return Event(
        kind=EventKind.callback,
        user_id=user,
        chat_id=user,
        first_name="学员",
        callback_id="1",
        callback_data=data,
        message_id=user,
    )


def first_button(replies: list, index: int) -> str:
    edit = next(r for r in replies if isinstance(r, Edit))
    return edit.buttons[index][0].data


async def answer_all(conversation: Conversation, survey_id: int, user: int) -> int:
    """One trainee: start, then six 满意度 answers; returns the answers given."""
    page = await conversation.handle(press(user, f"sv:1:s:{survey_id}"))
    for question in range(LIKERT_QUESTIONS):
        page = await conversation.handle(press(user, first_button(page, question % 5)))
    return LIKERT_QUESTIONS


async def answer_in_turn(conversation: Conversation, survey_id: int, users: range) -> int:
    return sum([await answer_all(conversation, survey_id, user) for user in users])


def bench_answers(url: str, data_dir: Path, trainees: int, threads: int) -> dict[str, float]:
    services = Services.create(Settings(database_url=url, data_dir=data_dir, _env_file=None))
    conversation = Conversation(services, routing_table())
    figures: dict[str, float] = {}
    for mode, workers, first_user in (("sequential", 1, 100_000), ("threads", threads, 300_000)):
        survey_id = seed_survey(
            services,
            submitted=0,
            not_started=trainees,
            template_key="guopei_satisfaction",
            first_user_id=first_user,
            manager_id=first_user - 1,
        )
        users = range(first_user, first_user + trainees)
        started = time.perf_counter()
        if workers == 1:
            given = asyncio.run(answer_in_turn(conversation, survey_id, users))
        else:  # each thread runs its share of trainees in its own event loop
            shares = [users[i::workers] for i in range(workers)]
            with ThreadPoolExecutor(workers) as pool:
                given = sum(
                    pool.map(
                        lambda share, sid=survey_id: asyncio.run(
                            answer_in_turn(conversation, sid, share)
                        ),
                        shares,
                    )
                )
        elapsed = time.perf_counter() - started
        with services.session() as session:
            stored = session.execute(select(func.count()).select_from(SurveyAnswer)).scalar_one()
        figures[f"{mode}_answers_per_s"] = given / elapsed
        figures[f"{mode}_updates_per_s"] = (given + trainees) / elapsed
        figures[f"{mode}_stored"] = stored
    services.engine.dispose()
    return figures


def bench_results(url: str, data_dir: Path, responses: int) -> dict[str, float]:
    from bot.surveys.chart import render_chart
    from bot.surveys.export import to_csv, to_xlsx
    from bot.surveys.results import compute_results
    from handlers.survey_results import results_text

    services = Services.create(Settings(database_url=url, data_dir=data_dir, _env_file=None))
    started = time.perf_counter()
    survey_id = seed_survey(
        services,
        submitted=responses,
        in_progress=responses // 20,
        not_started=responses // 20,
        template_key="guopei_satisfaction",
        anonymous=False,
        first_user_id=5_000_000,
        manager_id=4_999_999,
    )
    seeded = time.perf_counter() - started
    figures = {"seed_s": seeded}
    timings = {}
    t = time.perf_counter()
    with services.session() as session:
        summary = compute_results(session, survey_id=survey_id, with_rows=False)
    results_text(services, summary)
    timings["results_text_s"] = time.perf_counter() - t
    t = time.perf_counter()
    render_chart(summary)
    timings["chart_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with services.session() as session:
        full = compute_results(session, survey_id=survey_id)
    xlsx = to_xlsx(full, services.settings.timezone)
    timings["results_plus_xlsx_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with services.session() as session:
        full = compute_results(session, survey_id=survey_id)
    csv_bytes = to_csv(full, services.settings.timezone)
    timings["results_plus_csv_s"] = time.perf_counter() - t
    figures.update(timings)
    figures["xlsx_kb"] = len(xlsx) / 1024
    figures["csv_kb"] = len(csv_bytes) / 1024
    services.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    engines = [("sqlite", None)]
    if not args.skip_postgres:
        from tests import pg

        reason = pg.unreachable_reason()
        if reason:
            print(f"PostgreSQL skipped: {reason}")
        else:
            engines.append(("postgres", pg))
    for name, pg_module in engines:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            if pg_module is None:
                url_answers = f"sqlite:///{tmp}/answers.db"
                url_results = f"sqlite:///{tmp}/results.db"
            else:
                url_answers = stack.enter_context(pg_module.temporary_database())
                url_results = stack.enter_context(pg_module.temporary_database())
            answers = bench_answers(url_answers, Path(tmp), args.trainees, args.threads)
            results = bench_results(url_results, Path(tmp), args.responses)
        print(
            f"[{name}] {args.trainees} trainees × {LIKERT_QUESTIONS} answers through "
            "Conversation.handle:"
        )
        for mode in ("sequential", "threads"):
            print(
                f"  {mode:10s}: {answers[f'{mode}_answers_per_s']:7.0f} answers/s "
                f"({answers[f'{mode}_updates_per_s']:.0f} updates/s)"
            )
        print(
            f"  stored answers: {answers['threads_stored']} "
            f"(expected {2 * args.trainees * LIKERT_QUESTIONS})"
        )
        print(
            f"[{name}] {args.responses} submitted responses (seeded in {results['seed_s']:.1f} s):"
        )
        print(f"  /results text  : {results['results_text_s']:.2f} s")
        print(f"  chart PNG      : {results['chart_s']:.2f} s")
        print(
            f"  results + XLSX : {results['results_plus_xlsx_s']:.2f} s "
            f"({results['xlsx_kb']:.0f} KB)"
        )
        print(
            f"  results + CSV  : {results['results_plus_csv_s']:.2f} s "
            f"({results['csv_kb']:.0f} KB)"
        )


if __name__ == "__main__":
    main()
