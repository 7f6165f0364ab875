"""Least privilege: which channels, shops and warehouses a user may see and edit.

    access = Access(channels=("shopee",), warehouses=("Hangzhou",))
    access.narrow(scope)                     # the sidebar's filters, cut down to what the user may see
    access.allows("shopee", "s1", "Hangzhou")  # may this user see or edit that order?
    access.check_order("OH-1", ("shopee", "s1", "Hangzhou"), to_warehouse="Hefei")  # AccessDenied if not

An empty tuple means "every value" for that dimension, like the shared filters. A user with any dimension
restricted sees only orders whose value is in the list: an order not yet given a warehouse is outside a
warehouse-scoped user's access until it is routed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.kpis import Scope

DIMENSIONS = ("channels", "shops", "warehouses")
# A dimension value no order carries: the filter that a narrowing which leaves nothing becomes.
NOTHING = "\x00none"


class AccessDenied(PermissionError):
    """The order (or the warehouse an edit would move it to) is outside the user's access; nothing was done."""


@dataclass(frozen=True)
class Access:
    """Lists of allowed channels, shops (shop ids) and warehouses; empty = all."""

    channels: tuple[str, ...] = ()
    shops: tuple[str, ...] = ()
    warehouses: tuple[str, ...] = ()

    @property
    def unrestricted(self) -> bool:
        return not (self.channels or self.shops or self.warehouses)

    def allows(self, channel: str | None, shop_id: str | None, warehouse: str | None) -> bool:
        """True when an order with these values is inside this access."""
        return all(not allowed or value in allowed for allowed, value in
                   ((self.channels, channel), (self.shops, shop_id), (self.warehouses, warehouse)))

    def check_order(self, target: str, dims: tuple[str | None, str | None, str | None] | None,
                    to_warehouse: str | None = None) -> None:
        """Raise AccessDenied unless the order of `target` (its channel, shop, warehouse; None = no such order)
        is inside this access, and so is the warehouse the edit would move it to. Says nothing of an order
        outside it: unknown and not allowed read the same."""
        if dims is None or not self.allows(*dims):
            raise AccessDenied(f"{target} not found or not in your access; nothing was changed")
        if to_warehouse and not self.allows(dims[0], dims[1], to_warehouse):
            raise AccessDenied(f"warehouse {to_warehouse} is outside your access (yours: "
                               f"{', '.join(self.warehouses)}); nothing was changed. Ask an admin to widen it.")

    def sees_feed(self, channel: str, shop_id: str) -> bool:
        """A channel/shop's pull health: visible when the channel and shop are allowed (a feed has no warehouse)."""
        return replace(self, warehouses=()).allows(channel, shop_id, None)

    def covers_feed(self, channel: str, shop_id: str) -> bool:
        """Acting on a whole feed (resuming it) needs every order it brings: no warehouse restriction."""
        return not self.warehouses and self.allows(channel, shop_id, None)

    def visible(self, dimension: str, values: list[str]) -> list[str]:
        """The values of one dimension (channels, shops, warehouses) this access may see, in their order."""
        allowed = getattr(self, dimension)
        return [v for v in values if not allowed or v in allowed]

    def narrow(self, scope: Scope) -> Scope:
        """The filter scope cut down to this access (a choice outside it selects nothing)."""
        return replace(scope, channels=_meet(scope.channels, self.channels), shops=_meet(scope.shops, self.shops),
                       warehouses=_meet(scope.warehouses, self.warehouses))

    def as_dict(self) -> dict[str, list[str]]:
        """{channels, shops, warehouses: lists}: users.toml's fields, and the parameters of in_dimensions()."""
        return {name: list(getattr(self, name)) for name in DIMENSIONS}

    @classmethod
    def from_entry(cls, entry: dict) -> Access:
        """Read the lists stored in a users.toml entry (absent = all)."""
        return cls(**{name: tuple(str(v) for v in entry.get(name, ()) or ()) for name in DIMENSIONS})


def _meet(picked: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not allowed:
        return picked
    if not picked:
        return allowed
    return tuple(value for value in picked if value in allowed) or (NOTHING,)
