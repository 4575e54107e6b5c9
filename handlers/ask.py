"""Questions to the knowledge base: any plain text in a private chat, or `/ask` in a group."""

from __future__ import annotations

from handlers.routing import Router

router = Router("ask")
