"""sanzero 0007 adds the users' history: every user created before it gets one 新建 entry by 系统."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_0007_starts_the_history_of_every_existing_user(world):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("sanzero", "0006_jobs_on_background_job")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    User = get_user_model()
    users = list(User.objects.order_by("pk"))
    assert len(users) == 6
    for user in users:
        record = user.history.get()
        assert (record.history_type, record.history_user, record.history_date) == ("+", None, user.date_joined)
        assert (record.username, record.role, record.department_id) == (user.username, user.role, user.department_id)
        assert record.history_change_reason == "启用用户变更记录前已有的用户"
