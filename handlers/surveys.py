"""Satisfaction surveys: `/survey` to send one, buttons to answer, `/results` to read them."""

from __future__ import annotations

from handlers.routing import Router

router = Router("surveys")
