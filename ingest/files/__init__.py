"""CSV/XLSX seller exports → the lake, through a column profile (see docs/file-import.md)."""
