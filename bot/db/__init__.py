"""Storage: SQLModel tables, sessions, Alembic migrations and CRUD functions."""
