"""The built-in vocabularies rules read campaigns by, and the policy's additions.

Each list lives in ``vocabularies/<file>.yaml`` next to this module, with
its source, and docs/rules.md documents it (``reference``). A file is read
the first time a rule needs it; a list and the policy's additions are
compiled once per process (``functools.cache``), never per campaign.

Text is compared in one normal form (``text_key``): lower case, straight
apostrophes, words separated by single spaces. Names of segments and metrics
have their own (``name_key``, ``MetricKinds.key``).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal

from campaign_lint.core import yamlload
from campaign_lint.core.slotted import Slotted

# In the order docs/rules.md lists them.
FILES = ("metrics", "segments", "asks", "offers", "reasons", "company_value", "declines", "games")

_FOLDER = os.path.join(os.path.dirname(__file__), "vocabularies")
_NOT_TEXT = re.compile(r"[^a-z0-9'%£$€]+")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class WordList(Slotted):
    """One list of a vocabulary file: its entries, and where they come from."""

    __slots__ = (
        "key",
        "title",
        "rules",
        "policy",
        "source",
        "entries",
        "words",
        "patterns",
        "mapping",
        "note",
    )
    key: Final[str]
    title: Final[str]
    rules: Final[tuple[str, ...]]
    # Where a policy adds to it (``vocabulary.offers``), or None.
    policy: Final[str | None]
    source: Final[str]
    # Phrases or names (``phrases`` or ``names`` in the file).
    entries: Final[tuple[str, ...]]
    # Single words (``words`` in the file): filler, measure words, words read from a metric's end.
    words: Final[tuple[str, ...]]
    # Regular expressions over normalised text (matched whole words, or whole names).
    patterns: Final[tuple[str, ...]]
    # ``map`` in the file (the metric abbreviations).
    mapping: Final[Mapping[str, str]]
    # How the list is read, for docs/rules.md (``note`` in the file).
    note: Final[str]

    def __init__(
        self,
        key: str,
        title: str,
        rules: tuple[str, ...],
        policy: str | None,
        source: str,
        entries: tuple[str, ...],
        words: tuple[str, ...],
        patterns: tuple[str, ...],
        mapping: Mapping[str, str],
        note: str = "",
    ) -> None:
        self.key = key
        self.title = title
        self.rules = rules
        self.policy = policy
        self.source = source
        self.entries = entries
        self.words = words
        self.patterns = patterns
        self.mapping = mapping
        self.note = note


@functools.cache
def word_lists(file: str) -> dict[str, WordList]:
    """The lists of ``vocabularies/<file>.yaml``, read once."""
    # Next to this module, as profiles.yaml (importlib.resources costs start-up time).
    with open(os.path.join(_FOLDER, f"{file}.yaml"), encoding="utf-8") as handle:
        raw: dict[str, dict[str, Any]] = yamlload.load(handle.read()).data
    result = {}
    for key, entry in raw.items():
        entries = entry.get("phrases") or entry.get("names") or []
        result[key] = WordList(
            key=key,
            title=str(entry["title"]),
            rules=tuple(entry.get("rules", ())),
            policy=entry.get("policy"),
            source=" ".join(str(entry["source"]).split()),
            entries=tuple(str(item) for item in entries),
            words=tuple(str(item) for item in entry.get("words", ())),
            patterns=tuple(entry.get("patterns", ())),
            mapping={str(k): str(v) for k, v in entry.get("map", {}).items()},
            note=" ".join(str(entry.get("note", "")).split()),
        )
    return result


@functools.lru_cache(maxsize=1024)
def text_key(text: str) -> str:
    """Text as phrases are matched: lower case, straight apostrophes, single spaces between words.

    Cached: the rules that read a campaign's words read the same few texts.
    """
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(word.strip("'") for word in _NOT_TEXT.split(lowered) if word.strip("'"))


def name_key(name: str) -> str:
    """A segment name as names are compared: `Whole List` is `whole_list`."""
    return _NOT_NAME.sub("_", name.lower()).strip("_")


class Phrases:
    """A word list with the policy's additions, compiled once, searched in ``text_key`` text.

    Plain phrases are looked up word by word (a dictionary from first word to
    the phrases that start with it, longest first), so a text costs one
    lookup a word however long the list; the few patterns are one
    expression. Both match whole words only.
    """

    __slots__ = ("_first", "_regex")

    def __init__(self, phrases: Iterable[str], patterns: Iterable[str]) -> None:
        first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in {text_key(phrase) for phrase in phrases} - {""}:
            words = tuple(phrase.split(" "))
            first.setdefault(words[0], []).append(words)
        self._first = {word: sorted(found, key=len, reverse=True) for word, found in first.items()}
        choices = list(patterns)
        # A pattern starts and ends at a word boundary of the normalised text (a space or an end).
        self._regex = re.compile(r"(?<![^ ])(?:" + "|".join(choices) + r")(?![^ ])") if choices else None

    def _phrase_spans(self, words: list[str]) -> Iterator[tuple[int, int]]:
        """Word spans (start, end) of the phrases in ``words``, left to right, longest first, no overlaps."""
        index = 0
        while index < len(words):
            for phrase in self._first.get(words[index], ()):
                if tuple(words[index : index + len(phrase)]) == phrase:
                    yield index, index + len(phrase)
                    index += len(phrase)
                    break
            else:
                index += 1

    def search(self, key: str) -> str | None:
        """The first phrase found in ``key`` (normalised text), or None; the longer one where two start together."""
        words = key.split(" ")
        # Most texts hold none of the phrases' first words: one set test in C
        # settles that, without the word-by-word walk.
        span = None if self._first.keys().isdisjoint(words) else next(self._phrase_spans(words), None)
        match = self._regex.search(key) if self._regex is not None else None
        if span is None:
            return match.group() if match else None
        phrase = " ".join(words[span[0] : span[1]])
        start = sum(len(word) + 1 for word in words[: span[0]])
        if match is not None and (match.start(), -match.end()) < (start, -(start + len(phrase))):
            return match.group()
        return phrase

    def remove(self, key: str) -> str:
        """``key`` with every phrase found taken out."""
        if self._regex is not None:  # patterns first: they may hold a phrase ("you'll hear from us ...")
            key = " ".join(self._regex.sub(" ", key).split())
        words = key.split(" ")
        for start, end in list(self._phrase_spans(words)):
            words[start:end] = [""] * (end - start)
        return " ".join(word for word in words if word)


@functools.cache
def _phrases(file: str, key: str, extra: tuple[str, ...]) -> Phrases:
    found = word_lists(file)[key]
    return Phrases((*found.entries, *extra), found.patterns)


def phrases(file: str, key: str, extra: Sequence[str] = ()) -> Phrases:
    """The list ``key`` of ``file`` with ``extra`` phrases (the policy's), compiled once."""
    return _phrases(file, key, tuple(extra))


@functools.cache
def _words(file: str, key: str) -> frozenset[str]:
    return frozenset(map(text_key, word_lists(file)[key].words))


def words(file: str, key: str) -> frozenset[str]:
    """The single words of list ``key`` of ``file`` (normalised)."""
    return _words(file, key)


class Segments:
    """The segment names that mean everyone: names, whole-name patterns and the policy's globs."""

    __slots__ = ("_names", "_regex")

    def __init__(self, extra: Iterable[str]) -> None:
        found = word_lists("segments")["everyone_segments"]
        self._names = frozenset(map(name_key, found.entries))
        globs = [fnmatch.translate(_glob_key(glob)) for glob in extra]
        self._regex = re.compile("|".join(f"(?:{p})" for p in (*found.patterns, *globs)) or "(?!)")

    def everyone(self, segment: str) -> bool:
        """Whether ``segment`` names the whole list."""
        key = name_key(segment)
        return key in self._names or self._regex.fullmatch(key) is not None


def _glob_key(glob: str) -> str:
    """A policy glob in the form of ``name_key`` (``*`` and ``?`` kept)."""
    return re.sub(r"[^a-z0-9*?]+", "_", glob.lower()).strip("_")


@functools.cache
def _segments(extra: tuple[str, ...]) -> Segments:
    return Segments(extra)


def everyone_segments(extra: Sequence[str] = ()) -> Segments:
    """The everyone segments with the policy's additions, compiled once."""
    return _segments(tuple(extra))


MetricKind = Literal["activity", "outcome"]


class MetricKinds:
    """Tells activity metrics from outcome metrics, by name (MET002, MET005)."""

    __slots__ = ("_abbreviations", "_measure", "_names", "_seen", "_words")

    def __init__(self, activity: Iterable[str], outcome: Iterable[str]) -> None:
        lists = word_lists("metrics")
        self._abbreviations = lists["abbreviations"].mapping
        self._measure = frozenset(lists["measure_words"].words)
        names: dict[str, MetricKind] = dict.fromkeys(map(self.key, lists["activity"].entries), "activity")
        # Later entries win: built-in activity, built-in outcome, the policy's activity, its outcome.
        names.update(dict.fromkeys(map(self.key, lists["outcome"].entries), "outcome"))
        names.update(dict.fromkeys(map(self.key, activity), "activity"))
        names.update(dict.fromkeys(map(self.key, outcome), "outcome"))
        self._names = names
        terms: dict[str, MetricKind] = dict.fromkeys(lists["activity"].words, "activity")
        terms.update(dict.fromkeys(lists["outcome"].words, "outcome"))
        self._words = terms
        self._seen: dict[str, MetricKind | None] = {}

    def key(self, name: str) -> str:
        """The normal form of a metric name: `Avg. session length` is `session_length`."""
        text = _NOT_NAME.sub("_", name.lower().replace("%", "_percent_").replace("&", "_and_")).strip("_")
        text = self._abbreviations.get(text, text)
        tokens = [
            word
            for token in text.split("_")
            for word in map(_singular, self._abbreviations.get(token, token).split("_"))
            if word not in self._measure
        ]
        return "_".join(tokens) or text

    def kind(self, name: str) -> MetricKind | None:
        """``activity``, ``outcome`` or None (in neither vocabulary); the same names recur, so each is read once."""
        if name in self._seen:
            return self._seen[name]
        if len(self._seen) >= 10_000:
            self._seen.clear()
        found = self._seen[name] = self._kind(name)
        return found

    def _kind(self, name: str) -> MetricKind | None:
        key = self.key(name)
        found = self._names.get(key)
        if found is not None:
            return found
        # Read from the end: the last word that names an activity or an outcome decides.
        for word in reversed(key.split("_")):
            found = self._words.get(word)
            if found is not None:
                return found
        return None


def _singular(word: str) -> str:
    """``opens`` -> ``open``, ``replies`` -> ``reply``; ``business`` and ``status`` stay."""
    if len(word) > 3:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


@functools.cache
def metric_kinds(activity: frozenset[str], outcome: frozenset[str]) -> MetricKinds:
    """The metric vocabulary with the policy's ``metrics.activity`` and ``metrics.outcome``."""
    return MetricKinds(sorted(activity), sorted(outcome))


def reference() -> list[str]:
    """The vocabularies section of docs/rules.md, as Markdown lines."""
    out = [
        "## Vocabularies",
        "",
        "The words and names some rules read a campaign by. Each list lives in",
        "`src/campaign_lint/policies/vocabularies/<file>.yaml` with its source. A policy adds",
        "to a list under the key named (it never removes); the rule's documentation says how",
        "the list is used, what is read and what is ignored. Text is compared lower-case,",
        "with curly apostrophes made straight and punctuation read as spaces; phrases match",
        "whole words. Patterns are regular expressions over that normal form.",
        "",
    ]
    for file in FILES:
        for entry in word_lists(file).values():
            where = f"file `{file}.yaml`"
            adds = f"the policy adds with `{entry.policy}`" if entry.policy else "built in only"
            out += [
                f"### {entry.title}",
                "",
                f"Read by {', '.join(entry.rules)} · {where} · {adds}",
                "",
                f"Source: {entry.source}",
                "",
            ]
            if entry.note:
                out += [entry.note, ""]
            if entry.entries:
                out += [", ".join(f"`{item}`" for item in entry.entries), ""]
            if entry.words:
                out += ["Words: " + ", ".join(f"`{item}`" for item in entry.words), ""]
            if entry.mapping:
                out += [", ".join(f"`{k}` = `{v}`" for k, v in entry.mapping.items()), ""]
            if entry.patterns:
                out += ["Patterns:", "", *(f"- `{pattern}`" for pattern in entry.patterns), ""]
    return out
