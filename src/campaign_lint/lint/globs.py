"""The policy's gitignore-style globs (``campaigns``, ``exclude``, ``overrides``), compiled; simple ones without pathspec.

pathspec decides what the globs mean, as git does. It is slow to import
(its re2 and hyperscan backends: about 60 million instructions, 6% of a
one-file run), and most policies write only plain names,
``*`` and ``**`` (the default ``campaigns/**/*.yaml``). Globs made only of
those are translated here into the very regular expression pathspec makes
of them (``GitIgnoreSpecPattern.pattern_to_regex``) and matched with
``re``; any other glob (``?``, ``[...]``, ``!``, ``#``, escapes, spaces, a
leading or trailing ``/``, letters outside ASCII) sends the whole list to
pathspec. ``tests/test_globs.py`` holds both to the same answers, regular
expression by regular expression and path by path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Protocol

# A segment of a simple glob: ``**`` alone, or plain characters with single ``*`` wildcards.
_SEGMENT = re.compile(r"\*\*|(?:[A-Za-z0-9._-]|\*(?!\*))+")
# What pathspec appends to a glob's last segment: the path ends there, or a folder's does.
_END = "(?:(?P<ps_d>/)|$)"
# Separators pathspec turns into ``/`` before matching (``util.NORMALIZE_PATH_SEPS``).
_SEPARATORS = [sep for sep in (os.sep, os.altsep) if sep and sep != "/"]


class Matcher(Protocol):
    """Compiled globs: whether a path relative to the root (``/`` separators) matches them."""

    def match_file(self, file: str) -> bool:
        """Whether ``file`` matches (gitignore rules: the last matching glob decides)."""
        ...


def compiled(patterns: Sequence[str]) -> Matcher:
    """``patterns`` compiled: matched with ``re`` when every one is simple, else by pathspec."""
    regexes = [_regex(pattern) for pattern in patterns]
    if all(regex is not None for regex in regexes):
        return _Simple([re.compile(regex) for regex in regexes if regex is not None])
    import pathspec  # slow to import: only for globs this module does not translate

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _regex(pattern: str) -> str | None:
    """The regular expression pathspec makes of a simple ``pattern``; None when it is not simple."""
    segments = pattern.split("/")
    if not all(_SEGMENT.fullmatch(segment) for segment in segments):
        return None
    if len(segments) == 1 and segments[0] != "**":
        segments.insert(0, "**")  # one segment matches at any depth
    segments = [s for i, s in enumerate(segments) if not (s == "**" and i and segments[i - 1] == "**")]
    if segments in (["**"], ["**", "*"]):
        return "."
    if segments == ["**", "*", "**"]:
        return "/"
    parts = []
    slash = False
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                parts.append("^(?:.+/)?")
            elif i < last:
                parts.append("(?:/.+)?")
                slash = True
            else:
                parts.append("/")
            continue
        if i == 0:
            parts.append("^")
        if slash:
            parts.append("/")
        if segment == "*":
            parts.append("[^/]+")
        else:
            parts.append("".join("[^/]*" if char == "*" else re.escape(char) for char in segment))
        if i == last:
            parts.append(_END)
        slash = True
    return "".join(parts)


class _Simple:
    """Simple globs (all including: any match includes), as compiled regular expressions.

    Searched, as pathspec searches them: most are anchored (``^``), but
    ``**/*/**`` becomes ``/`` (any path with a folder in it).
    """

    def __init__(self, regexes: list[re.Pattern[str]]) -> None:
        self._regexes = regexes

    def match_file(self, file: str) -> bool:
        """See ``Matcher.match_file``; ``file`` normalised as pathspec does (``util.normalize_file``)."""
        for sep in _SEPARATORS:
            file = file.replace(sep, "/")
        if file.startswith("/"):
            file = file[1:]
        elif file.startswith("./"):
            file = file[2:]
        return any(regex.search(file) for regex in self._regexes)  # as pathspec's ``RegexPattern``
