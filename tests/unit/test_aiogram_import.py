"""`bot.engines.aiogram_import`: aiogram's models, built on first use, are the models aiogram
builds at import. Each side runs in a fresh interpreter, since an import happens once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Prints {model: its JSON schema} for every aiogram type and method, each built by first use
# (validating through it) when the import left it unbuilt, as the running bot builds them.
DESCRIBE_MODELS = textwrap.dedent(
    """
    import json, sys
    if sys.argv[1] == "deferred":
        import bot.engines.aiogram_import
    import aiogram.methods, aiogram.types
    from pydantic import BaseModel
    from pydantic.json_schema import GenerateJsonSchema

    class EveryField(GenerateJsonSchema):
        def handle_invalid_for_json_schema(self, schema, error_info):
            return {"not_json": error_info}

    def describe():
        unbuilt_after_import, schemas = [], {}
        for module in (aiogram.types, aiogram.methods):
            for name in module.__all__:
                model = getattr(module, name)
                if not (isinstance(model, type) and issubclass(model, BaseModel)):
                    continue
                if not model.__pydantic_complete__:
                    unbuilt_after_import.append(name)
                    try:
                        model.model_validate({})
                    except Exception:
                        pass  # missing fields: the validator is built all the same
                schema = model.model_json_schema(schema_generator=EveryField)
                schemas[f"{module.__name__}.{name}"] = json.dumps(schema, sort_keys=True)
        return unbuilt_after_import, schemas

    unbuilt, schemas = describe()
    print(json.dumps({"unbuilt": unbuilt, "schemas": schemas}))
    """
)


def describe_models(how: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", DESCRIBE_MODELS, how],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def test_deferred_models_match_the_models_aiogram_builds() -> None:
    eager = describe_models("eager")
    deferred = describe_models("deferred")

    assert "Message" in deferred["unbuilt"], "the import built the models: it saves nothing"
    assert "Message" not in eager["unbuilt"]
    assert len(deferred["schemas"]) == len(eager["schemas"]) > 500
    differing = [
        name for name in eager["schemas"] if deferred["schemas"][name] != eager["schemas"][name]
    ]
    assert not differing, f"built differently when deferred: {differing[:5]}"


KEEP_RESPONSE = textwrap.dedent(
    """
    import gc, weakref
    import bot.engines.aiogram_import
    from aiogram.methods import Response
    from aiogram.types import Message

    def check_response():  # as aiogram's session does on every API call
        return weakref.ref(Response[Message])

    made = check_response()
    gc.collect()
    print(made() is not None and made() is Response[Message])
    """
)


def test_a_parametrised_response_survives_garbage_collection() -> None:
    """Rebuilt after each full collection, Response[Message] stalled the bot for 0.3 s."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", KEEP_RESPONSE],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "True"
