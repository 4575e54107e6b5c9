"""Builds the bot once: settings → services (database migrated) → conversation.

Every feature that needs start-up work (the scheduler, resumed broadcasts) registers its hooks
here, so this is the one place to read to know what runs at start.
"""

from __future__ import annotations

from bot.conversation import Conversation
from bot.services import Services
from bot.settings import Settings
from handlers import routing_table, survey_results
from scheduler import service as scheduler_service


def build(
    settings: Settings, *, load_knowledge: bool = True, background_jobs: bool = True
) -> tuple[Services, Conversation]:
    """Create the services and the conversation; load the knowledge index if asked.

    `background_jobs=False` leaves out the scheduler, the broadcaster and survey closing: they
    send to other people, which a terminal chat on a shared database must not do.
    """
    services = Services.create(settings)
    if background_jobs:
        scheduler_service.register(services)  # reminders + broadcaster: start/stop hooks
        services.startup_hooks.append(survey_results.install)  # survey nudges and closing
    if load_knowledge:
        services.start_knowledge()  # jieba and the cached index, before the first question
    return services, Conversation(services, routing_table())
