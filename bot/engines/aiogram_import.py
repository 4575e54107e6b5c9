"""Import aiogram with its pydantic models built on first use instead of all at import.

`aiogram.types` ends with a loop that calls `model_rebuild()` on all ~450 Telegram types, which
builds every validator at import: about 2 s and 100 MB on a 2-core machine, for types this bot
never sees (aiogram issues #1876, #1891). The types are declared `defer_build=True`; only that
loop defeats it. While aiogram is imported here, the loop's calls only record the names the
forward references need; each model (type or method) is then built by pydantic the first time it
is used, from those same names, so the models behave as aiogram builds them.

aiogram also parametrises `Response[T]` on every API call, and pydantic caches parametrised
models only weakly: each full garbage collection dropped `Response[Message]`, and the next call
built it again, with `Message`'s whole schema (about 0.3 s of a stalled bot, every few seconds
under load). The parametrisations are kept here once made.

Built on first use, the models the first update and the first reply need cost that reply about
0.5 s after every start. Most of it was `Message`'s schema built over and over: pydantic reuses
a model's schema inside another only once that model is built itself, and `Message` never was,
so `Response[list[Update]]`, `Response[Message]` and `Response[Message | bool]` each built it
anew (≈ 0.1 s each, more on a busy machine). `build_models` builds `Message` and `Update` first
and then the rest, reusing them: 0.17 s in all instead of 0.5–0.6 s. The engine runs it in a
background thread once it polls, so start-up is not slower.

Usage: `from bot.engines.aiogram_import import aiogram` before any other aiogram import (the
aiogram engine module does this). `tests/unit/test_aiogram_import.py` builds every model this way
and checks it against aiogram's own build, so an aiogram or pydantic upgrade that breaks this
fails there.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

_AIOGRAM_MODEL_MODULES = ("aiogram.types.", "aiogram.methods.")


@contextmanager
def _forward_refs_recorded(into: dict[str, Any]) -> Iterator[None]:
    """Within the block, aiogram's `model_rebuild(_types_namespace=…)` calls only record it."""
    eager_rebuild = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]

    def record_instead(
        cls: type[BaseModel],
        *,
        _types_namespace: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> bool | None:
        if _types_namespace is not None and cls.__module__.startswith(_AIOGRAM_MODEL_MODULES):
            into.update(_types_namespace)
            return None
        kwargs.setdefault("_parent_namespace_depth", 2)
        kwargs["_parent_namespace_depth"] += 1  # the caller's frame, not this wrapper's
        return eager_rebuild(cls, _types_namespace=_types_namespace, **kwargs)

    BaseModel.model_rebuild = classmethod(record_instead)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseModel.model_rebuild = classmethod(eager_rebuild)  # type: ignore[method-assign]


def _import_with_models_deferred() -> None:
    if "aiogram.types" in sys.modules:  # imported already: its models are built, nothing to save
        return
    namespace: dict[str, Any] = {}
    with _forward_refs_recorded(namespace):
        import aiogram.methods
        import aiogram.types  # noqa: F401

    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(_AIOGRAM_MODEL_MODULES):
            continue
        for model in vars(module).values():
            # Complete ones too: a generic model (the API's `Response[T]`) hands its namespace on
            # to each parametrisation, which is built when first made.
            if isinstance(model, type) and issubclass(model, BaseModel):
                model.__pydantic_parent_namespace__ = namespace


def _keep_response_parametrisations() -> None:
    from aiogram.methods.base import Response

    parametrise = BaseModel.__dict__["__class_getitem__"].__func__
    made: dict[Any, type[BaseModel]] = {}
    # Held while one is built (its whole schema: up to a second): a second thread asking for
    # it then waits for that one instead of building its own copy.
    building = threading.RLock()

    def parametrise_once(cls: type[BaseModel], item: Any) -> Any:
        if cls is not Response:
            return parametrise(cls, item)
        try:
            return made[item]
        except KeyError:
            with building:
                if item not in made:
                    made[item] = parametrise(cls, item)
                return made[item]
        except TypeError:  # an unhashable parameter: pydantic's own cache handles it
            return parametrise(cls, item)

    Response.__class_getitem__ = classmethod(parametrise_once)  # type: ignore[assignment]


def build_models(methods: Iterable[type[Any]], types: Iterable[type[BaseModel]] = ()) -> None:
    """Build now what the first use of these API methods would: first each of `types` (put the
    ones the others contain first: `Message`, `Update`), then each method's model (the request)
    and `Response[what it returns]`, which then reuse them."""
    from aiogram.methods.base import Response

    def build(model: type[BaseModel]) -> None:
        if not model.__pydantic_complete__:
            # pydantic's placeholder builds the model when touched, as a first validation does
            _ = model.__pydantic_validator__.validate_python

    for model in types:
        build(model)
    for method in methods:
        build(method)
        build(Response[method.__returning__])  # type: ignore[name-defined]


_import_with_models_deferred()
_keep_response_parametrisations()

import aiogram  # noqa: E402

__all__ = ["aiogram"]
