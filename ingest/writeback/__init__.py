"""Tracking back to the platforms: shipments confirmed on their sales platform (docs/events.md)."""
