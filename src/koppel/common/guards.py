"""Database guards: triggers that hold a rule protecting a child even against a write that bypasses
the domain functions (a shell, a script, a future admin screen).

A guard is a condition on a row being written; when it holds, the database refuses the write with
an integrity error. Each app declares its guards (`GUARDS` in its `guards.py`, registered from its
`AppConfig.ready`), and they are (re)installed after every `migrate`: SQLite rebuilds a table for many
schema changes and drops its triggers with it, so a migration alone would not keep them.
`tests/people/test_disqualification_every_path.py` checks that every guard is installed and holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections

# Guards declared by the apps, in the order they registered.
REGISTRY: list[Guard] = []


@dataclass(frozen=True)
class Guard:
    """Refuse `events` (one of "INSERT", "UPDATE", "UPDATE OF a, b", "DELETE") on `table` when `when`
    holds.

    `when` is one SQL boolean expression over NEW (and OLD for updates) that SQLite and PostgreSQL
    both read the same way; `message` is what the refusal says (for developers: the domain functions
    refuse first, with a translated message).
    """

    name: str
    table: str
    events: str
    when: str
    message: str


def register(*guards: Guard) -> None:
    for guard in guards:
        if all(g.name != guard.name for g in REGISTRY):
            REGISTRY.append(guard)


def _sqlite(guard: Guard) -> list[str]:
    message = guard.message.replace("'", "''")
    return [
        f"DROP TRIGGER IF EXISTS {guard.name}",
        (
            f"CREATE TRIGGER {guard.name} BEFORE {guard.events} ON {guard.table} FOR EACH ROW "
            f"WHEN {guard.when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        ),
    ]


def _postgresql(guard: Guard) -> list[str]:
    message = guard.message.replace("'", "''")
    return [
        (
            f"CREATE OR REPLACE FUNCTION {guard.name}() RETURNS trigger LANGUAGE plpgsql AS $guard$ "
            f"BEGIN IF {guard.when} THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; "
            # A BEFORE DELETE trigger that returned NEW (NULL) would skip the delete silently.
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $guard$"
        ),
        f"DROP TRIGGER IF EXISTS {guard.name} ON {guard.table}",
        (
            f"CREATE TRIGGER {guard.name} BEFORE {guard.events} ON {guard.table} FOR EACH ROW "
            f"EXECUTE FUNCTION {guard.name}()"
        ),
    ]


STATEMENTS = {"sqlite": _sqlite, "postgresql": _postgresql}


def install_guards(using: str = "default") -> int:
    """(Re)create every registered guard in the database `using`; returns how many."""
    connection = connections[using]
    build = STATEMENTS.get(connection.vendor)
    if build is None:
        return 0
    tables = set(connection.introspection.table_names())
    # A partial migrate may leave a guard's table still to come; the next migrate installs it.
    guards = [g for g in REGISTRY if g.table in tables]
    with connection.cursor() as cursor:
        for guard in guards:
            for statement in build(guard):
                cursor.execute(statement)
    return len(guards)


def drop_guards(guards: list[Guard], using: str = "default") -> None:
    """Remove `guards`' triggers until the next `install_guards` (the next migrate, or a flush, which
    ends with one). For tests only: a flush of a SQLite test database deletes log rows."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for guard in guards:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {guard.name}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {guard.name} ON {guard.table}")


def installed_guards(using: str = "default") -> set[str]:
    """The names of the guards' triggers present in the database `using`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    install_guards(using)


# --- The audit trail is append-only -----------------------------------------------------------------
#
# No log row is changed, and none is deleted except by the retention purge: it holds a permit (a row in
# common_logpurge, inserted and removed again inside its own transaction, so no other connection sees
# it) that lets rows older than the permit's date go. Deleting a user clears the user column of their
# rows (on_delete=SET_NULL), and the label written with each row keeps who it was. The one other change
# is an erasure's: under a permit naming the row (common_logredaction, same pattern), the label and the
# details of a row that names the erased person may be rewritten; what was done, to what and when
# never changes.

LOG_MESSAGE = "the audit trail is append-only"


def _log_guards(
    table: str, user_column: str, label_column: str, columns: str, redactable: str
) -> list[Guard]:
    return [
        Guard(
            name=f"koppel_{table}_unchanged",
            table=table,
            events=f"UPDATE OF {columns}",
            when="1 = 1",
            message=LOG_MESSAGE,
        ),
        # An erasure (GDPR art. 17) rewrites the label and the details of the rows that name the
        # erased person, one row at a time under a permit that names the row (common_logredaction).
        Guard(
            name=f"koppel_{table}_redacted_with_permit",
            table=table,
            events=f"UPDATE OF {redactable}",
            when=(
                "NOT EXISTS (SELECT 1 FROM common_logredaction "  # noqa: S608 (constants only)
                f"WHERE common_logredaction.log_table = '{table}' AND common_logredaction.row_id = OLD.id)"
            ),
            message=LOG_MESSAGE,
        ),
        Guard(
            name=f"koppel_{table}_user_only_cleared",
            table=table,
            events=f"UPDATE OF {user_column}",
            when=f"NEW.{user_column} IS NOT NULL",
            message=LOG_MESSAGE,
        ),
        Guard(
            name=f"koppel_{table}_labelled",
            table=table,
            events="INSERT",
            when=f"NEW.{user_column} IS NOT NULL AND NEW.{label_column} = ''",
            message="a log row records who it was",
        ),
        Guard(
            name=f"koppel_{table}_kept",
            table=table,
            events="DELETE",
            when=(
                'NOT EXISTS (SELECT 1 FROM common_logpurge WHERE OLD."timestamp" < common_logpurge.before)'
            ),
            message=LOG_MESSAGE,
        ),
    ]


GUARDS = [
    *_log_guards(
        "common_activitylog",
        "actor_id",
        "actor_label",
        '"timestamp", action, content_type_id, object_id, fields',
        "actor_label, data",
    ),
    *_log_guards(
        "common_accesslog",
        "viewer_id",
        "viewer_label",
        '"timestamp", content_type_id, object_id, page',
        "viewer_label",
    ),
]
