"""Core tables on SQLite and PostgreSQL: migrations, join codes, memberships, aware times."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

import bot.db.all_models  # noqa: F401
from bot.db import crud
from bot.db.crud import JOIN_CODE_ALPHABET
from bot.db.models import Role
from bot.db.session import make_engine, upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_migrations_create_exactly_the_modelled_schema(engine: Engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless(engine: Engine):
    upgrade(engine)
    with Session(engine) as session:
        crud.upsert_user(session, user_id=1, first_name="张")
        assert crud.users_with_role(session, role=Role.trainee)[0].first_name == "张"


def test_class_codes_are_unique_readable_and_found_case_insensitively(engine: Engine):
    with Session(engine) as session:
        classes = [crud.create_class(session, name=f"班{i}", manager_id=9) for i in range(50)]
        codes = {c.join_code for c in classes}
        assert len(codes) == 50
        assert all(set(code) <= set(JOIN_CODE_ALPHABET) and len(code) == 8 for code in codes)
        found = crud.find_class_by_code(session, code=f"  {classes[3].join_code.lower()} ")
        assert found is not None and found.id == classes[3].id
        assert crud.find_class_by_code(session, code="NOPE") is None
        assert crud.find_class_by_code(session, code="") is None


def test_joining_twice_keeps_one_membership_and_rejoining_unblocks(engine: Engine):
    with Session(engine) as session:
        training_class = crud.create_class(session, name="语文一班", manager_id=9)
        user_id = 8_000_000_001  # Telegram ids exceed 32 bits
        _, created = crud.join_class(session, user_id=user_id, class_id=training_class.id)
        _, created_again = crud.join_class(session, user_id=user_id, class_id=training_class.id)
        assert (created, created_again) == (True, False)
        assert crud.count_members(session, class_id=training_class.id) == 1
        assert crud.mark_blocked(session, user_id=user_id) == 1
        assert list(crud.iter_member_ids(session, class_id=training_class.id)) == []
        crud.join_class(session, user_id=user_id, class_id=training_class.id)
        assert list(crud.iter_member_ids(session, class_id=training_class.id)) == [user_id]


def test_member_ids_stream_in_batches_without_repeats(engine: Engine):
    with Session(engine) as session:
        training_class = crud.create_class(session, name="大班", manager_id=9)
        for user_id in range(1, 1201):
            session.add(bot.db.models.Membership(class_id=training_class.id, user_id=user_id))
        session.commit()
        streamed = list(crud.iter_member_ids(session, class_id=training_class.id, batch=500))
    assert streamed == list(range(1, 1201))


def test_timestamps_come_back_time_zone_aware(engine: Engine):
    with Session(engine, expire_on_commit=False) as session:
        user = crud.upsert_user(session, user_id=5, first_name="李")
    with Session(engine) as session:
        stored = session.get(bot.db.models.User, 5)
        assert stored is not None and stored.created_at.tzinfo is not None
        assert abs((stored.created_at - user.created_at).total_seconds()) < 1


def test_pending_input_is_replaced_and_cleared(engine: Engine):
    with Session(engine) as session:
        crud.set_pending(session, user_id=3, kind="survey_text", payload={"survey": 1})
        crud.set_pending(session, user_id=3, kind="handoff_answer", payload={"question": 7})
        pending = crud.get_pending(session, user_id=3)
        assert pending is not None and (pending.kind, pending.payload) == (
            "handoff_answer",
            {"question": 7},
        )
        crud.clear_pending(session, user_id=3)
        assert crud.get_pending(session, user_id=3) is None


def test_an_install_with_broadcasts_upgrades_past_the_table_rebuilds(database_url: str):
    """Migration 0006 rebuilds `broadcasts` on SQLite (copy, drop, rename) while its deliveries
    refer to it: the upgrade must neither fail on the foreign key nor lose a row."""
    engine = make_engine(database_url)
    upgrade(engine, "0005_broadcast_reports")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, first_name, last_name, role, created_at) VALUES "
                "(7, '王', '', 'manager', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO training_classes (id, name, manager_id, join_code, created_at) "
                "VALUES (1, '语文一班', 7, 'ABCD2345', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO broadcasts (id, class_id, created_by, kind, text, buttons, status, "
                "created_at) VALUES (1, 1, 7, 'broadcast', '明天集合', '[]', 'done', "
                "CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO broadcast_deliveries (broadcast_id, user_id, status, attempts) "
                "VALUES (1, 7, 'sent', 1)"
            )
        )

    upgrade(engine)

    with engine.connect() as connection:
        kept = connection.execute(text("SELECT count(*) FROM broadcast_deliveries")).scalar()
        foreign_keys = (
            connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            if (engine.dialect.name == "sqlite")
            else 1
        )
    engine.dispose()
    assert kept == 1 and foreign_keys == 1
