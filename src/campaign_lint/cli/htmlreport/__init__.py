"""The HTML report: its data (``data``), charts (``charts``) and page (``page``); see ``cli/report.py``."""
