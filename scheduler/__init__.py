"""Reminders and broadcasts: scheduling, rate-limited exactly-once delivery, leadership.

    timeparse.py    "明天9点 交研修日志" → a one-off time or a cron rule, and the message
    broadcaster.py  broadcast(services, class_id=…, text=…, created_by=…) — the public API;
                    the Broadcaster sender loop (delivery rows, 429/403/5xx handling, reports)
    ratelimit.py    30/s overall, 1/s per chat, 20/min per group, counted from answers
    service.py      SchedulerService: leadership, APScheduler (SQLAlchemyJobStore), missed
                    reminders; registered as start-up/shutdown hooks in bot/app.py
    leader.py       one scheduler per database: pg_try_advisory_lock, or flock in DATA_DIR
    jobs.py         fire_reminder(reminder_id): one occurrence → one broadcast, once
    deadlines.py    schedule_deadline_reminder(...) for the /deadlines buttons
    runtime.py      the process's Services, for jobs that only get ids
"""
