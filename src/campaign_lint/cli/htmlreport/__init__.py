"""The HTML report: its data (``data``), charts (``charts``, ``calendars``) and page (``page``).

``cli/report.py`` (``report --html``) and ``cli/simulate.py`` (``simulate
--format html``) build pages with it. Its libraries are the optional extra
``campaign-lint[report]`` (``cli/extras.py``): this module imports none of them.
"""

from __future__ import annotations
