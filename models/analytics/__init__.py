"""Analytics helpers behind the Analyze pages: capacity config, explore queries, the SQL sandbox.

The KPI SQL itself lives in models/sql/kpis/{flow,exceptions,manual,capacity,returns,quality}.sql and runs
through `models.kpis.run`, like every other figure.
"""
