"""The normalizer kit: readers (`base`), row assembly (`rows`), the status map, the CLI. Each platform's
shape → canonical rows is in `ingest/platforms/<code>/normalize.py`; `registry` dispatches on the code."""
