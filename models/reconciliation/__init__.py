"""Month-end reconciliation: the fee tables and delays (config), the findings as exceptions (findings),
the closed months (close) and the month's workbook (workbook). The figures themselves are SQL, defined
once in models/sql/reconciliation.sql and models/sql/kpis/reconciliation.sql."""
