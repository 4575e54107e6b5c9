"""Scheduled reminders for a class: `/remind WHEN TEXT`, `/reminders`."""

from __future__ import annotations

from bot.db.models import Role
from handlers.routing import Router

router = Router("reminders", roles={Role.manager, Role.admin})
