"""One writer per file format, shared by the exports (``corptui.export``) and the
documents (``corptui.documents``): ``target`` (the all-or-nothing file dance), ``cells``
(columns and how a value reads in a language), ``csv_rows``, ``json_rows``, ``xlsx``
and ``pdf``. Each streams: rows go to the file as they come (XLSX in xlsxwriter's
constant-memory mode), so an export of any size runs in constant memory. xlsxwriter and
fpdf2 are imported only when their format is written."""
