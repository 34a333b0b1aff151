"""The database layer: models, migrations, and the functions the service calls.

Use :class:`service.store.db.Database` for sessions, :mod:`service.store.snapshots` for
score history, :mod:`service.store.optouts` for opt-outs, and
:func:`service.store.migrate.upgrade` to create or update the schema.
"""
