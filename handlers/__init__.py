"""The conversation, one module per feature. `ROUTERS` is the routing table, in order:
the first router that knows an event handles it, and the free-text question comes last.
"""

from __future__ import annotations

from functools import cache

from handlers import admin, classes, start
from handlers.routing import RoutingTable

ROUTERS = [
    start.router,
    classes.router,
    admin.router,
]


@cache
def routing_table() -> RoutingTable:
    return RoutingTable(ROUTERS)
