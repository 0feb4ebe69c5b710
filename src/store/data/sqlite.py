"""The data job on the embedded SQLite file: every write takes the single writer's turn."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence

from src.store.backends.sqlite import SQLiteBackend
from src.store.data.sql import SQLData
from src.store.errors import UnknownShoeError
from src.store.rows import (
    ForgetOutcome,
    InteractionRow,
    RecordOutcome,
    SavedQuestionnaire,
    UserState,
    Write,
    now_iso,
    state_after_events,
    user_state_of,
)
from src.store.sql import ALL_ROWS_SQL, INSERT_EVENT_SQL, USER_LAST_EVENT_SQL, USER_ROWS_SQL

_INSERT_EVENT = INSERT_EVENT_SQL.format(p="?")
_PENDING = "SELECT pending FROM ct_state WHERE id = 1"
_USER_LAST_EVENT = USER_LAST_EVENT_SQL.format(p="?")
_USER_ROWS = USER_ROWS_SQL.format(p="?")
_USER_EVENTS_AFTER = (
    "SELECT event_id, shoe_id, action_type, value FROM interaction_events"
    " WHERE user_id = ? AND event_id > ? ORDER BY event_id LIMIT ?"
)
_REPLAY_MAX = 32  # events replayed onto a kept state before the rows are read instead


class SQLiteData(SQLData, SQLiteBackend):
    batches_at_once = True

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        # The catalog is cached per process (it changes only when the store is seeded), so an unknown
        # shoe is refused before taking the single writer's turn; the foreign key still guards it.
        if self.shoe(shoe_id) is None:
            raise UnknownShoeError(shoe_id)
        return self._record_together([Write(user_id, shoe_id, action, value)])[0]

    def _record_together(self, writes: Sequence[Write]) -> list[RecordOutcome]:
        now = now_iso()
        with self._tx(write=True) as tx:
            written = [self._write(tx, w, now) for w in writes]
        return [
            self._outcome(w.user_id, previous, done, (w.shoe_id, w.action, w.value))
            for w, (previous, done) in zip(writes, written, strict=True)
        ]

    def _write(self, tx: sqlite3.Connection, w: Write, now: str) -> tuple[int, tuple[int, bool, int, bool]]:
        """One like or rating inside the writer's transaction: (the runner's newest event id before
        it, (event id, changed, pending, claimed))."""
        previous = tx.execute(_USER_LAST_EVENT, (w.user_id,)).fetchone()[0]
        if w.action == "like":
            cur = tx.execute(
                "INSERT OR IGNORE INTO favorites (user_id, shoe_id, created_at) VALUES (?, ?, ?)",
                (w.user_id, w.shoe_id, now),
            )
        else:
            cur = tx.execute(
                "INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id, shoe_id) DO UPDATE SET rating = excluded.rating,"
                " created_at = excluded.created_at WHERE reviews.rating IS NOT excluded.rating",
                (w.user_id, w.shoe_id, w.value, now),
            )
        changed = cur.rowcount == 1
        event_id, pending, claimed = self._event(tx, changed, (w.user_id, w.shoe_id, w.action, w.value, now))
        return previous, (event_id, changed, pending, claimed)

    def _outcome(
        self,
        user_id: int,
        previous: int,
        written: tuple[int, bool, int, bool],
        write: tuple[str, str, int | None],
    ) -> RecordOutcome:
        """A committed write's outcome (`written`: event id, changed, pending, claimed) with the
        runner's state after it: applied to the kept state when that is as of `previous`, their
        newest event before it; else read back after the commit, outside the write lock (WAL
        readers never block, so the single writer's turn stays short)."""
        state = self.runner_states.after_write(user_id, previous, written[0], write)
        return RecordOutcome(*written, state if state is not None else self.user_state(user_id))

    def _event(
        self, tx: sqlite3.Connection, changed: bool, event: tuple[int, str, str, int | None, str]
    ) -> tuple[int, int, bool]:
        """Append a changed interaction's event and count it towards CT: (event id, pending after it,
        whether it claimed a rebuild); (0, pending, False) if nothing changed."""
        if not changed:
            return 0, int(tx.execute(_PENDING).fetchone()[0]), False
        event_id = tx.execute(_INSERT_EVENT, event).lastrowid or 0
        pending, claimed = self._bump_ct(tx, event[-1])
        return event_id, pending, claimed

    def _bump_ct(self, tx: sqlite3.Connection, now: str) -> tuple[int, bool]:
        """Count one changed interaction towards CT: (pending after it, whether it claimed a rebuild)."""
        t = self.threshold
        pending = tx.execute(
            "UPDATE ct_state SET pending = CASE WHEN pending + 1 >= ? THEN 0 ELSE pending + 1 END,"
            " rebuilds_claimed = rebuilds_claimed + (CASE WHEN pending + 1 >= ? THEN 1 ELSE 0 END),"
            " updated_at = ? WHERE id = 1 RETURNING pending",
            (t, t, now),
        ).fetchall()[0][0]  # fetchall: a RETURNING statement must run to completion
        return int(pending), pending == 0

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        now = now_iso()
        with self._tx(write=True) as tx:
            previous = tx.execute(_USER_LAST_EVENT, (user_id,)).fetchone()[0]
            if action == "unlike":
                value = None
                changed = (
                    tx.execute(
                        "DELETE FROM favorites WHERE user_id = ? AND shoe_id = ?", (user_id, shoe_id)
                    ).rowcount
                    == 1
                )
            else:
                row = tx.execute(
                    "DELETE FROM reviews WHERE user_id = ? AND shoe_id = ? RETURNING rating",
                    (user_id, shoe_id),
                ).fetchone()
                changed, value = row is not None, (int(row[0]) if row is not None else None)
            event_id, pending, claimed = self._event(tx, changed, (user_id, shoe_id, action, value, now))
        return self._outcome(
            user_id, previous, (event_id, changed, pending, claimed), (shoe_id, action, value)
        )

    def forget_user(self, user_id: int) -> ForgetOutcome:
        now = now_iso()
        with self._tx(write=True) as tx:
            favorites = tx.execute("DELETE FROM favorites WHERE user_id = ?", (user_id,)).rowcount
            reviews = tx.execute("DELETE FROM reviews WHERE user_id = ?", (user_id,)).rowcount
            events = tx.execute(
                "DELETE FROM interaction_events WHERE user_id = ? AND action_type <> 'forget'", (user_id,)
            ).rowcount
            questionnaires = tx.execute(
                "DELETE FROM saved_questionnaires WHERE user_id = ?", (user_id,)
            ).rowcount
            tx.execute("DELETE FROM impressions WHERE user_id = ?", (user_id,))
            tx.execute(
                "INSERT OR REPLACE INTO forgotten_runners (user_id, forgotten_at) VALUES (?, ?)",
                (user_id, time.time()),
            )
            claimed = False
            if favorites + reviews:
                tx.execute(_INSERT_EVENT, (user_id, "", "forget", None, now))  # no shoe: the runner
                _, claimed = self._bump_ct(tx, now)
        self.runner_states.drop(user_id)
        return ForgetOutcome(favorites, reviews, events, questionnaires, claimed)

    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        with self._tx(write=True) as tx:
            tx.execute(
                "INSERT OR REPLACE INTO saved_questionnaires (user_id, shoe_type, answers, saved_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, saved.shoe_type, json.dumps(saved.answers, sort_keys=True), now_iso()),
            )

    def user_state(self, user_id: int) -> UserState:
        kept = self.runner_states.newest(user_id)
        with self._tx() as tx:
            if kept is not None:
                # A runner's events commit in id order, so those after the kept state's are all
                # that changed since; past a few, reading the rows is cheaper than replaying them.
                events = tx.execute(
                    _USER_EVENTS_AFTER, (user_id, kept.last_event_id, _REPLAY_MAX + 1)
                ).fetchall()
                if len(events) <= _REPLAY_MAX:
                    return (
                        kept
                        if not events
                        else self.runner_states.put(user_id, state_after_events(kept, events))
                    )
            last = tx.execute(_USER_LAST_EVENT, (user_id,)).fetchone()[0]
            rows = tx.execute(_USER_ROWS, (user_id, user_id)).fetchall()
        return self.runner_states.put(user_id, user_state_of(rows, last))

    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        with self._tx() as tx:
            if user_ids is None:
                return [InteractionRow(*r) for r in tx.execute(ALL_ROWS_SQL)]
            out: list[InteractionRow] = []
            ids = list(user_ids)
            for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT user_id, shoe_id, 'like', NULL FROM favorites WHERE user_id IN ({marks}) UNION ALL "
                    f"SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id IN ({marks})"
                )
                out.extend(InteractionRow(*r) for r in tx.execute(sql, chunk + chunk))
            return out
