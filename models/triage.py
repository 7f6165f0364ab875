"""The console's edits: every function takes the acting User, checks the role, refuses stale forms,
writes the new exception/order version the edit implies and one `actions` row for it.

    take(settings, user, "EX-1", loaded_version)      # PermissionError for a viewer,
    resolve(settings, user, "EX-1", version, "fixed")  # ConflictError if someone changed it since loading

Optimistic concurrency: a form carries the version (exception `updated_at`, order `ingested_at`) it was
loaded with. Under a lock, the current version is re-read from the lake; if it differs, nothing is
written and the user is told who changed it. The lock makes read-check-write one step for all console
sessions on this machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import actions, divisions, lake
from models.access import AccessDenied
from models.auth import User, require
from models.exceptions import RESOLUTION_CODES, next_version
from models.filelock import state_lock
from models.settings import Settings
from models.triage_queries import order_dimensions, stock_problems
from models.versions import ConflictError as ConflictError  # raised here; shared with the other editors
from models.versions import conflict, latest, next_stamp, same_version

EDITABLE_ADDRESS = ("receiver_province", "receiver_city", "receiver_address")
# Once the parcel has left (or the order has ended), a new warehouse, carrier or address changes nothing real.
FINISHED = ("shipped", "delivered", "completed", "cancelled", "refunded", "returned")
ADDRESS_LABELS = {"receiver_province": "order.province", "receiver_city": "order.city",
                  "receiver_address": "order.street"}


class EditError(ValueError):
    """The edit is not valid (unknown code, no stock at that warehouse …); the message says what to do.

    `label` (a catalogue key) and `values` let the console say it in the user's language: a value named
    `<x>_key` is itself a label key, shown translated as {x} (models/labels/queue_ops.py, order_checks.py).
    """

    def __init__(self, message: str, label: str | None = None, **values: object):
        super().__init__(message)
        self.label, self.values = label, values


def _guard(user: User | None) -> User:
    return require(user, "triage")


def _order_in_access(settings: Settings, user: User, order_id: str, to_warehouse: str | None = None) -> None:
    """AccessDenied (a PermissionError) unless the order, and the warehouse an edit moves it to, are inside the
    user's access (models/access.py); checked before the edit reads or says anything else about the order."""
    if not user.access.unrestricted:
        user.access.check_order(order_id, order_dimensions(settings, order_id), to_warehouse)


def _exception_in_access(settings: Settings, user: User, exception_id: str) -> None:
    """The same for an exception: its order decides (an exception of no known order is outside any scope)."""
    if not user.access.unrestricted:
        order_id = latest(settings.lake_dir, "exceptions", [exception_id]).get(exception_id, {}).get("order_id")
        user.access.check_order(exception_id, order_dimensions(settings, order_id))


def _current(settings: Settings, table: str, key: str, expected: Any, version_col: str) -> dict[str, Any]:
    """The current row of `key`, or a refusal if the form did not carry the version it showed or that version
    is no longer the current one (a form loaded for one version is never saved onto another)."""
    if expected is None:
        raise EditError(f"the form did not say which version of {table[:-1]} {key} it showed; "
                        "reload the page and edit again")
    row = latest(settings.lake_dir, table, [key]).get(key)
    if row is None:
        raise EditError(f"{table[:-1]} {key} does not exist (any more); reload the page")
    if not same_version(row[version_col], expected):
        raise conflict(settings.lake_dir, key, row[version_col], expected, row.get("status"))
    return row


def _diff(before: dict[str, Any], after: dict[str, Any], fields: tuple[str, ...]) -> tuple[dict, dict]:
    return {f: before.get(f) for f in fields}, {f: after.get(f) for f in fields}


def change_exception(settings: Settings, user: User | None, exception_id: str, expected: Any, action: str,
                     reason: str | None = None, **changes: Any) -> dict[str, Any]:
    """The shared path of every exception edit: guard, re-read, compare, write version + audit row."""
    user = _guard(user)
    _exception_in_access(settings, user, exception_id)
    with state_lock(settings, "triage"):
        current = _current(settings, "exceptions", exception_id, expected, "updated_at")
        new = next_version(current, **changes)
        lake.write(settings.lake_dir, "exceptions", [new])
        before, after = _diff(current, new, ("status", "assignee", "resolution_code", "note"))
        actions.record(settings.lake_dir, user, action, "exception", exception_id, order_id=current["order_id"],
                       before=before, after=after, reason=reason)
    return new


def take(settings: Settings, user: User | None, exception_id: str, expected: Any) -> dict[str, Any]:
    """Assign to oneself and start work."""
    return change_exception(settings, user, exception_id, expected, "take", status="in_progress",
                            assignee=_guard(user).name)


def assign(settings: Settings, user: User | None, exception_id: str, expected: Any, assignee: str) -> dict:
    if not assignee.strip():
        raise EditError("choose whom to assign the exception to")
    return change_exception(settings, user, exception_id, expected, "assign", assignee=assignee.strip())


def resolve(settings: Settings, user: User | None, exception_id: str, expected: Any, code: str,
            note: str = "") -> dict[str, Any]:
    if code not in RESOLUTION_CODES or code == "auto_cleared":
        raise EditError(f"resolution code {code!r} unknown; choose one of {', '.join(RESOLUTION_CODES[:-1])}",
                        "queue.code_needed")
    if code in settings.resolution_codes_needing_note and not note.strip():
        raise EditError(f"resolution code {code!r} needs a note saying what was done", "queue.note_needed",
                        code_key=f"resolution.{code}")
    return change_exception(settings, user, exception_id, expected, "resolve", reason=note or None,
                            status="resolved", resolution_code=code, note=note or None)


def dismiss(settings: Settings, user: User | None, exception_id: str, expected: Any, note: str) -> dict:
    if not note.strip():
        raise EditError("say why the exception is dismissed (a note is required)")
    return change_exception(settings, user, exception_id, expected, "dismiss", reason=note,
                            status="dismissed", resolution_code="not_an_issue", note=note)


def add_note(settings: Settings, user: User | None, exception_id: str, expected: Any, note: str) -> dict:
    if not note.strip():
        raise EditError("the note is empty")
    current = latest(settings.lake_dir, "exceptions", [exception_id]).get(exception_id, {})
    text = "\n".join(x for x in (current.get("note"), f"[{_guard(user).name}] {note.strip()}") if x)
    return change_exception(settings, user, exception_id, expected, "note", reason=note, note=text)


def review(settings: Settings, user: User | None, exception_id: str, expected: Any, approve: bool,
           note: str = "") -> dict[str, Any]:
    """Approve (ship it) or reject (stop it) a manual review."""
    _exception_in_access(settings, _guard(user), exception_id)
    current = latest(settings.lake_dir, "exceptions", [exception_id]).get(exception_id, {})
    if current.get("type") != "manual_review":
        raise EditError(f"{exception_id} is not a manual review; use resolve instead")
    code = "approved" if approve else "rejected"
    return change_exception(settings, user, exception_id, expected, code if approve else "reject",
                            reason=note or None, status="resolved", resolution_code=code, note=note or None)


def change_order(settings: Settings, user: User | None, order_id: str, expected: Any, action: str,
                 reason: str | None, **changes: Any) -> dict[str, Any]:
    """A new order version (same updated_at, later ingested_at) with the changes, and its audit row."""
    user = _guard(user)
    _order_in_access(settings, user, order_id, changes.get("warehouse"))
    with state_lock(settings, "triage"):
        current = _current(settings, "orders", order_id, expected, "ingested_at")
        new = {**current, **changes, "ingested_at": next_stamp(current["ingested_at"], datetime.now(UTC))}
        lake.write(settings.lake_dir, "orders", [new])
        before, after = _diff(current, new, tuple(changes))
        actions.record(settings.lake_dir, user, action, "order", order_id, order_id=order_id, before=before,
                       after=after, reason=reason)
    return new


def reroute(settings: Settings, user: User | None, order_id: str, expected: Any, warehouse: str | None = None,
            carrier: str | None = None, reason: str = "") -> dict[str, Any]:
    """Send the order to another warehouse (only one with stock for every line) and/or carrier."""
    changes = {k: v for k, v in (("warehouse", warehouse), ("carrier", carrier)) if v}
    if not changes:
        raise EditError("choose a warehouse or a carrier to re-route to", "order.reroute_empty")
    _still_open(settings, _guard(user), order_id, "order.no_reroute")
    if warehouse:
        _order_in_access(settings, _guard(user), order_id, warehouse)  # before saying anything about its stock
        short = stock_problems(settings, order_id, warehouse)
        if short:
            raise EditError(f"{warehouse} lacks stock for {short}; choose a warehouse with stock", "order.no_stock",
                            warehouse=warehouse, short=short)
    return change_order(settings, user, order_id, expected, "reroute", reason or None, **changes)


def correct_address(settings: Settings, user: User | None, order_id: str, expected: Any, province: str,
                    city: str, address: str, reason: str = "") -> dict[str, Any]:
    values = dict(zip(EDITABLE_ADDRESS, (province.strip(), city.strip(), address.strip()), strict=True))
    empty = [k for k, v in values.items() if not v]
    if empty:
        raise EditError(f"{', '.join(empty)} cannot be empty", "order.field_empty", field_key=ADDRESS_LABELS[empty[0]])
    order = _still_open(settings, _guard(user), order_id, "order.no_address_change")
    found = divisions.problem(settings, order.get("receiver_country"), values["receiver_province"],
                              values["receiver_city"])
    if found:
        raise EditError(f"{found[0]}: {found[1]}", found[0], **found[1])
    return change_order(settings, user, order_id, expected, "correct_address", reason or None, **values)


def _still_open(settings: Settings, user: User, order_id: str, refusal: str) -> dict[str, Any]:
    """The order as it is now, unless it has shipped or ended (then `refusal`, naming its status, is raised)."""
    _order_in_access(settings, user, order_id)
    order = latest(settings.lake_dir, "orders", [order_id]).get(order_id) or {}
    if order.get("status") in FINISHED:
        raise EditError(f"order {order_id} is {order['status']}: {refusal}", refusal,
                        status_key=f"order_status.{order['status']}")
    return order


BULK = {"take": take, "resolve": resolve, "dismiss": dismiss, "assign": assign}


def bulk(settings: Settings, user: User | None, op: str, items: list[tuple[str, Any]], **kwargs: Any
         ) -> list[tuple[str, str | None]]:
    """Apply one edit to several exceptions; each keeps its own version check. (id, error or None) each."""
    _guard(user)
    results = []
    for exception_id, expected in items:
        try:
            BULK[op](settings, user, exception_id, expected, **kwargs)
            results.append((exception_id, None))
        except (ConflictError, EditError, ValueError, AccessDenied) as exc:
            results.append((exception_id, str(exc)))
    return results
