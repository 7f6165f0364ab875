"""The weekly e-mailed snapshot and the alerts pushed to people on duty.

    python -m reports.weekly --outbox data/outbox     # build last week's snapshot, write .eml and .html
    python -m reports.weekly --send                   # send it over SMTP (ORDERHUB_SMTP_* variables)
    python -m reports.alerts                          # check alert conditions once and deliver new ones

Both read the same KPI layer as the console (models.kpis) and record every delivery in the lake's
append-only `deliveries` table, so a week's snapshot reaches each recipient once and an alert fires once
per condition until it clears.
"""
