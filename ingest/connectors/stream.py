"""A `Stream` declares one endpoint (the Singer SDK's RESTStream): where it is, where its records sit in
a reply, which field identifies a record and which one moves, and how its pages follow each other.

    ORDERS = Stream("shopee.get_order_list", "/api/v2/order/get_order_list", "response.order_list",
                    paginator=lambda size: CursorPaginator(...), primary_key="order_sn")

The paging loop that uses it is generic (`Connector.pages`); a platform only says how to send one page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.connectors.paginators import Paginator
from ingest.http import FatalError

Payload = dict[str, Any]


@dataclass(frozen=True)
class Stream:
    name: str  # kept with every raw payload read from it
    path: str  # appended to the channel's base URL
    records_path: str = ""  # dotted path of the record list in the reply; "" when the reply is the list
    paginator: Callable[[int], Paginator] | None = None  # page size → a fresh paginator; None: one page
    primary_key: str = "id"
    replication_key: str | None = None  # the field whose time the incremental window filters on
    method: str = "GET"

    def records(self, body: Any, where: str) -> list[Payload]:
        """The records of one reply: none when the path is absent or null; FatalError for anything but a
        list, naming the channel (`where`), the stream and the path."""
        node = body
        for part in self.records_path.split(".") if self.records_path else ():
            if node is None:
                return []
            if not isinstance(node, dict):
                raise FatalError(f"{where}: {self.name} reply has no object at {self.records_path!r}: {_cut(body)}")
            node = node.get(part)
        if node is None and self.records_path:
            return []
        if not isinstance(node, list):
            what = self.records_path or "reply"
            raise FatalError(f"{where}: {self.name} {what} is not a JSON list: {_cut(node)}")
        return node


def _cut(value: Any) -> str:
    return repr(str(value)[:120])
