"""A small parser of CEL, enough to know how deeply list macros nest in an expression.

The CEL library compiles expressions but shows no syntax tree and has no
evaluation budget, and list macros nested in each other multiply their work
(four ``.map``s over a 100-item list are 10^8 steps per campaign). This
parser reads CEL's lexical grammar exactly (identifiers, numbers, all string
and bytes literals with their ``r``/``b`` prefixes, triple quotes and
escapes, ``//`` comments, whitespace) and its syntax for calls, member
access, indexing, lists, maps and messages. Binary and ternary operators are
read as a flat sequence of operands: precedence decides how operators group,
not which call holds which argument, so the nesting of calls is that of
CEL's own tree. A bracket scan could be fooled by ``.map`` followed by many
spaces or a comment, or by a raw string ending in a backslash; a parse
cannot.

Only expressions the CEL library has already compiled are measured, so a
``CelSyntaxError`` here means the two parsers disagree.
"""

from __future__ import annotations

from typing import Final

from campaign_lint.core.slotted import Slotted

# Calls that loop over a list or map: the comprehension macros of CEL and of
# its extensions (the receiver form `list.map(x, ...)`; a global call with one
# of these names counts too).
MACROS = frozenset(
    {
        "all",
        "exists",
        "exists_one",
        "existsOne",
        "map",
        "filter",
        "transformList",
        "transformMap",
        "transformMapEntry",
        "sortBy",
    }
)
# Brackets nested deeper than this are refused (the CEL library stops earlier).
MAX_DEPTH = 100

_PUNCTUATION = ("&&", "||", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ".", ",", ":", "?")
_OPERATORS = frozenset(
    {"&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "?", ":", "in"}
)
_PREFIX = frozenset({"!", "-"})
_QUOTES = ('"""', "'''", '"', "'")
_STRING_PREFIXES = frozenset({"r", "R", "b", "B", "br", "bR", "Br", "BR"})


class CelSyntaxError(ValueError):
    """The expression is not CEL as this parser reads it; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (expression column {column})")
        self.column = column


class Token(Slotted):
    """One token: ``kind`` is ``name``, ``literal``, ``operator`` or the punctuation itself."""

    __slots__ = ("kind", "text", "at")
    kind: Final[str]
    text: Final[str]
    at: Final[int]

    def __init__(self, kind: str, text: str, at: int) -> None:
        self.kind = kind
        self.text = text
        self.at = at


def tokens(source: str) -> list[Token]:
    """The tokens of ``source``, comments and whitespace left out."""
    found: list[Token] = []
    index = 0
    length = len(source)
    while index < length:
        char = source[index]
        if char in " \t\n\r\f":
            index += 1
        elif source.startswith("//", index):
            end = source.find("\n", index)
            index = length if end < 0 else end + 1
        elif char.isascii() and (char.isalpha() or char == "_"):
            end = index + 1
            while end < length and source[end].isascii() and (source[end].isalnum() or source[end] == "_"):
                end += 1
            word = source[index:end]
            if word in _STRING_PREFIXES and end < length and source[end] in "\"'":
                end = _string_end(source, end, raw="r" in word.lower())
                found.append(Token("literal", source[index:end], index))
            else:
                found.append(Token("operator" if word == "in" else "name", word, index))
            index = end
        elif char in "\"'":
            end = _string_end(source, index, raw=False)
            found.append(Token("literal", source[index:end], index))
            index = end
        elif char.isdigit() or (char == "." and index + 1 < length and source[index + 1].isdigit()):
            end = _number_end(source, index)
            found.append(Token("literal", source[index:end], index))
            index = end
        else:
            symbol = next((p for p in _PUNCTUATION if source.startswith(p, index)), None)
            if symbol is None and char in "<>+-*/%!":
                symbol = char
            if symbol is None:
                raise CelSyntaxError(f"unexpected character {char!r}", index + 1)
            kind = "operator" if symbol in _OPERATORS else symbol
            found.append(Token(kind, symbol, index))
            index += len(symbol)
    return found


def _string_end(source: str, start: int, *, raw: bool) -> int:
    """The index just past the string literal whose opening quote is at ``start``."""
    quote = next(q for q in _QUOTES if source.startswith(q, start))
    index = start + len(quote)
    while index < len(source):
        if source.startswith(quote, index):
            return index + len(quote)
        char = source[index]
        if char == "\\" and not raw:
            index += 2  # an escape is at least two characters; the rest are ordinary ones
            continue
        if char in "\r\n" and len(quote) == 1:
            break
        index += 1
    raise CelSyntaxError("a string is not closed", start + 1)


def _number_end(source: str, start: int) -> int:
    """The index just past the number literal starting at ``start`` (int, uint, hex or float)."""
    index = start
    length = len(source)
    if source.startswith(("0x", "0X"), index):
        index += 2
        while index < length and source[index] in "0123456789abcdefABCDEF":
            index += 1
    else:
        while index < length and source[index].isdigit():
            index += 1
        if index + 1 < length and source[index] == "." and source[index + 1].isdigit():
            index += 1
            while index < length and source[index].isdigit():
                index += 1
        if index < length and source[index] in "eE":
            exponent = index + 1
            if exponent < length and source[exponent] in "+-":
                exponent += 1
            if exponent < length and source[exponent].isdigit():
                index = exponent
                while index < length and source[index].isdigit():
                    index += 1
    if index < length and source[index] in "uU":
        index += 1
    return index


class _Parser:
    """Recursive descent over the tokens; each method returns the macro nesting of what it read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokens(source)
        self.position = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def kind(self) -> str:
        token = self.peek()
        return token.kind if token is not None else "end"

    def take(self, kind: str) -> Token:
        token = self.peek()
        if token is None or token.kind != kind:
            column = token.at + 1 if token is not None else len(self.source) + 1
            found = repr(token.text) if token is not None else "the end"
            raise CelSyntaxError(f"expected {kind!r}, found {found}", column)
        self.position += 1
        return token

    def accept(self, kind: str) -> bool:
        if self.kind() == kind:
            self.position += 1
            return True
        return False

    def whole(self) -> int:
        nesting = self.expression()
        if self.peek() is not None:
            token = self.tokens[self.position]
            raise CelSyntaxError(f"unexpected {token.text!r}", token.at + 1)
        return nesting

    def expression(self) -> int:
        """Operands joined by binary operators, ``in`` and the ternary ``? :``."""
        nesting = self.operand()
        while self.accept("operator"):
            nesting = max(nesting, self.operand())
        return nesting

    def operand(self) -> int:
        while self.kind() in ("operator", "!") and self.tokens[self.position].text in _PREFIX:
            self.position += 1
        return self.member()

    def member(self) -> int:
        nesting, name = self.primary()
        while True:
            if self.accept("."):
                name = self.take("name").text
                if self.kind() == "(":
                    arguments = self.call("(", ")")
                    nesting = max(nesting, arguments + 1 if name in MACROS else arguments)
                    name = None
            elif self.kind() == "[":
                nesting = max(nesting, self.call("[", "]"))
                name = None
            elif self.kind() == "{" and name is not None:
                nesting = max(nesting, self.call("{", "}"))  # a message: `Type{field: value}`
                name = None
            else:
                return nesting

    def primary(self) -> tuple[int, str | None]:
        """(nesting, name when the primary is an identifier that may start a message)."""
        kind = self.kind()
        if kind in (".", "name"):
            self.accept(".")
            name = self.take("name").text
            if self.kind() == "(":
                arguments = self.call("(", ")")
                return (arguments + 1 if name in MACROS else arguments), None
            return 0, name
        if kind in ("(", "[", "{"):
            return self.call(kind, {"(": ")", "[": "]", "{": "}"}[kind]), None
        if kind == "literal":
            self.position += 1
            return 0, None
        token = self.peek()
        column = token.at + 1 if token is not None else len(self.source) + 1
        raise CelSyntaxError(f"unexpected {token.text if token else 'end of the expression'!r}", column)

    def call(self, opening: str, closing: str) -> int:
        """Expressions between brackets, separated by ``,`` or ``:`` (arguments, items, entries)."""
        at = self.take(opening).at
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CelSyntaxError(f"brackets nested more than {MAX_DEPTH} deep", at + 1)
        nesting = 0
        while not self.accept(closing):
            nesting = max(nesting, self.expression())
            if self.kind() not in (",", ":", closing):
                token = self.peek()
                column = token.at + 1 if token is not None else len(self.source) + 1
                found = repr(token.text) if token is not None else "the end"
                raise CelSyntaxError(f"expected {closing!r}, found {found}", column)
            self.accept(",") or self.accept(":")
        self.depth -= 1
        return nesting


def macro_nesting(source: str) -> int:
    """How deeply list macros (``.map(``, ``.all(``...) nest in the CEL expression ``source``.

    ``a.map(x, x).filter(y, y)`` is 1 (one after the other), ``a.all(x,
    x.tags.exists(t, ...))`` is 2. Raises ``CelSyntaxError`` when ``source``
    is not CEL.
    """
    return _Parser(source).whole()
