"""Parameterised reports staff run with papermill, one or a batch over the municipalities.

- :mod:`~abitare.reports.registry`: the reports, their parameters (one pydantic model each,
  the one place a parameter is declared) and the tables they read.
- :mod:`~abitare.reports.notebook`: the ``parameters`` cell of each report notebook, written
  from its model (``abitare report sync``).
- :mod:`~abitare.reports.document`: the report as a document (headings, text, tables, charts)
  and its HTML.
- :mod:`~abitare.reports.disclosure`: statistical disclosure control (``<5``, «riservato»).
- :mod:`~abitare.reports.tables`: the tables a report reads (shipped data, a folder, one file).
- :mod:`~abitare.reports.common`: pieces several reports share (ISEE-ERP areas, charts).
- one module per report (:mod:`~abitare.reports.profilo`, ``morosita``, ``monitoraggio``,
  ``valutazione``, ``sintesi``), each a function returning a :class:`~abitare.reports.document.Report`.
- :mod:`~abitare.reports.runner` and :mod:`~abitare.reports.cli`: papermill runs and
  ``abitare report``.

Nothing is imported here: a report kernel loads only the report it runs.
"""
