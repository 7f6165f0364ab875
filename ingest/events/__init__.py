"""Warehouse and carrier event intake: webhook receiver, pull connectors, scan-log files → order_events."""
