"""The console script's shortcut for PyYAML's reader (cli/startup.py): the same expression, compiled cheaply."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from campaign_lint.cli import startup

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_the_cached_expression_matches_the_same_characters_as_the_readers() -> None:
    # re.UNICODE (the default for text) is a key of its own in re's cache: compiled afresh here.
    readers = re.compile(startup.PRINTABLE, re.UNICODE)
    cached = re.compile(startup.NON_PRINTABLE, re.UNICODE)
    assert [m.start() for m in cached.finditer(EVERY_CHARACTER)] == [
        m.start() for m in readers.finditer(EVERY_CHARACTER)
    ]


def test_pyyaml_still_writes_the_expression_the_shortcut_stands_for() -> None:
    import yaml.reader

    # Its own (imported before a console-script run in this process), or the one cached for it.
    assert yaml.reader.Reader.NON_PRINTABLE.pattern in (startup.PRINTABLE, startup.NON_PRINTABLE)


@pytest.mark.slow  # starts a Python
def test_the_reader_gets_the_cached_expression_in_a_console_script_run() -> None:
    code = (
        "import json, sys\n"
        "from campaign_lint.cli import startup\n"
        "startup.install()\n"
        "import yaml\n"
        "from yaml.reader import Reader\n"
        "print(json.dumps([Reader.NON_PRINTABLE.pattern, Reader.NON_PRINTABLE.flags]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [startup.NON_PRINTABLE, re.compile(startup.PRINTABLE, re.UNICODE).flags]
