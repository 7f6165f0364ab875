"""The connector kit every platform builds on: `base` (the Connector, its window and paging loop),
`paginators`, `stream`, `signing` (shared HMAC helpers). Each platform's connector is in
`ingest/platforms/<code>/connector.py`; `ingest.platforms.connector_class(channel)` picks one."""
