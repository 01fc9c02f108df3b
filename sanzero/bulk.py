"""Writing many rows without building a model instance per row.

`insert_rows(model, rows)` takes plain dicts (attribute names: ``region_id``, not ``region``) and
writes them with PostgreSQL's COPY, or one executemany INSERT elsewhere (SQLite). Fields a row leaves
out take their model default. Only for tables that keep no history and send no signals on save
(snapshot rows): it is `bulk_create` without the per-row Python, which at city scale is most of a
snapshot's time (model __init__ and per-value preparation: 48% of compute_month in a profile of
55,500 subjects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, models

#: fields whose Python value the driver takes as it is (no per-value Django preparation)
_PLAIN = (
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.ForeignKey,
)


def _columns(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


def _converter(field: models.Field) -> Callable:
    if isinstance(field, _PLAIN):
        return lambda value: value
    return lambda value: None if value is None else field.get_db_prep_save(value, connection)


def insert_rows(model, rows: Iterable[dict], *, batch_size: int = 5000) -> int:
    fields = _columns(model)
    defaults = {f.attname: f.get_default() for f in fields if f.has_default() or f.null or f.blank}
    convert = [(f.attname, _converter(f), defaults.get(f.attname)) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([fn(row.get(name, default)) for name, fn, default in convert])
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch = []
        for row in rows:
            batch.append([fn(row.get(name, default)) for name, fn, default in convert])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
