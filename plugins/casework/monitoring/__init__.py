"""Monitoring of case work (issue 16): the region's and a service's figures for a quarter or a year.

One job per module: :mod:`.periods` (which quarter or year), :mod:`.figures` (the aggregate queries, each
figure with its definition), :mod:`.charts` (bars as server-side SVG), :mod:`.exports` (CSV, XLSX and the
background job for large ones), :mod:`.tallies` (the kept totals the figures sum, kept equal to a recount).
Every figure is counted by the database (GROUP BY), never by loading records.
"""
