"""The conversation, one module per feature. `ROUTERS` is the routing table, in order:
the first router that knows an event handles it, and the free-text question comes last.
"""

from __future__ import annotations

from functools import cache

from handlers import (
    admin,
    ask,
    broadcast,
    classes,
    curated,
    deadlines,
    kbstats,
    manager_answer,
    notice_upload,
    notices,
    reminders,
    start,
    survey_results,
    surveys,
    unanswered,
)
from handlers.routing import RoutingTable

ROUTERS = [
    start.router,
    classes.router,
    admin.router,
    reminders.router,
    broadcast.router,
    surveys.router,
    survey_results.router,
    unanswered.router,
    manager_answer.router,
    kbstats.router,
    notice_upload.router,
    curated.router,
    deadlines.router,
    notices.router,
    ask.router,  # last: any other plain text is a question
]


@cache
def routing_table() -> RoutingTable:
    return RoutingTable(ROUTERS)
