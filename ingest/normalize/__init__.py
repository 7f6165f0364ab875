"""Platform API order shapes → canonical OrderHub rows (one module per platform; see registry.py)."""
