r"""Text for people: every value and path a person reads is shown, never executed.

Campaign and policy files, and the names of files, come from anyone who can
open a pull request. A value holding ``ESC[2J`` would clear the terminal of
whoever reads the report; a line feed followed by ``::error::`` would start a
GitHub Actions workflow command; a right-to-left override would make a name
read backwards. Every human-facing output (the text, github and junit
reports, error lines on stderr, ``campaign-lint test``) passes what it did
not write itself through ``shown``:

- C0 control characters (U+0000-U+001F, tab, CR and LF included), DEL
  (U+007F) and C1 control characters (U+0080-U+009F) become ``\xNN``
  (ESC is ``\x1b``, a line feed inside a value ``\x0a``: a value never
  breaks a line);
- the bidirectional formatting characters (U+061C, U+200E, U+200F,
  U+202A-U+202E, U+2066-U+2069), the line and paragraph separators
  (U+2028, U+2029), lone surrogates (U+D800-U+DFFF, which no encoder would
  write) and the non-characters U+FFFE and U+FFFF become ``\uNNNN``.

Everything else, other languages and emoji included, is left as it is. The
escaping is for reading, not reversible: a backslash is not doubled, so a
value that holds the four characters ``\x1b`` reads the same as an escaped
ESC, and neither does anything.

``line_start`` also keeps a value that begins a line from starting a
workflow command (the runner reads any log line that begins with ``::``
after spaces).

The machine formats (JSON, SARIF, GitLab) keep values exact. Their encoder
escapes U+0000-U+001F; ``json_text`` writes the other characters above as
``\u`` escapes too (the same JSON value), so that a report printed on a
terminal acts on nothing either, and a file name that is not UTF-8 (a lone
surrogate in Python) cannot stop it from being written.
"""

from __future__ import annotations

import functools
import re

# Exactly the characters escaped; none of them is ``str.isprintable``.
_ABOVE_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
# A byte table: C0 controls and DEL become 0x80 (not ASCII), other bytes stay.
_MARK_C0_AND_DEL = bytes(0x80 if byte < 0x20 or byte == 0x7F else byte for byte in range(256))


# The two expressions are compiled on first use: a class reaching past U+00FF costs `re` a
# 64K-entry table (about 9 million instructions for the two), and ASCII text
# without controls, what reports mostly hold, never needs them (``is_plain``, ``json_text``).
@functools.cache
def _unsafe() -> re.Pattern[str]:
    """Every character ``shown`` escapes."""
    return re.compile(f"[\x00-\x1f{_ABOVE_C0}]")


@functools.cache
def _raw_in_json() -> re.Pattern[str]:
    """What a JSON encoder writes raw (it escapes U+0000-U+001F itself) and ``json_text`` escapes."""
    return re.compile(f"[{_ABOVE_C0}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def is_plain(text: str) -> bool:
    """Whether ``shown(text)`` is ``text`` itself: nothing to escape.

    The common case, so it is fast: ASCII text (``isascii`` is a flag of the
    string) is encoded (a copy), C0 controls and DEL are turned into a
    non-ASCII byte by a byte table, and ``bytes.isascii`` checks eight bytes
    at a time: about four times faster than ``str.isprintable``. Other text
    takes ``str.isprintable`` (none of the escaped characters is printable).
    """
    if text.isascii():
        return text.encode().translate(_MARK_C0_AND_DEL).isascii()
    return text.isprintable() or _unsafe().search(text) is None


def shown(text: str) -> str:
    r"""``text`` with every control, bidi and separator character made visible (``\x1b``, ``\u202e``)."""
    if is_plain(text):
        return text
    return _unsafe().sub(_escape, text)


def line_start(text: str) -> str:
    r"""``shown(text)`` for text that begins a line: a leading ``::`` (after spaces) shows its first colon as ``\x3a``."""
    text = shown(text)
    rest = text.lstrip()  # the runner's TrimStart: any Unicode space
    if not rest.startswith("::"):
        return text
    colon = len(text) - len(rest)
    return f"{text[:colon]}\\x3a{text[colon + 1 :]}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(text: str) -> str:
    r"""JSON text (as ``json`` writes it) with what ``shown`` escapes written as ``\uNNNN``: the same value.

    Outside strings JSON text is ASCII, so only characters inside strings are
    replaced, each by its own escape.
    """
    if text.isascii() and "\x7f" not in text:  # isascii is a flag of the string: no scan
        return text
    return _raw_in_json().sub(_json_escape, text)
