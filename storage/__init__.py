"""Persistence only: the Peewee database (SQLite or PostgreSQL from one URL), models,
indexes, migrations and transactions. Nothing here knows about widgets or use cases."""
