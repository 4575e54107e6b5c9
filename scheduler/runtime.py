"""The running process's Services, for code that only gets plain ids (APScheduler jobs).

APScheduler stores jobs as "module:function" plus arguments, so a job cannot carry the
Services object; the start-up hook installs it here and jobs look it up::

    from scheduler import runtime
    services = runtime.current()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services import Services

_services: Services | None = None


def install(services: Services) -> None:
    """Called once by the scheduler's start-up hook."""
    global _services
    _services = services


def uninstall(services: Services) -> None:
    global _services
    if _services is services:
        _services = None


def current() -> Services:
    """The Services of this process; RuntimeError before start-up."""
    if _services is None:
        raise RuntimeError("scheduler runtime not started: no Services installed")
    return _services
