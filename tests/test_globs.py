"""Simple globs compiled without pathspec (``lint/globs.py``) mean what pathspec makes of them.

The translation must be pathspec's own, regular expression for regular
expression, and answer every path as ``pathspec.GitIgnoreSpec`` does; a glob
it does not translate goes to pathspec.
"""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from campaign_lint.lint import globs

# Segments of simple globs, and of paths: names with the characters that matter to the translation.
NAMES = st.sampled_from(["campaigns", "drafts", "a", "b.yaml", "x-1.yml", "c.d", "_e", "yaml", ".hidden"])
SEGMENTS = st.one_of(
    NAMES,
    st.sampled_from(["*", "**", "*.yaml", "*.yml", "x-*", "a*b", "*a*", "*-*.yaml", "**"]),
)
PATTERNS = st.lists(SEGMENTS, min_size=1, max_size=5).map("/".join)
PATHS = st.lists(
    st.one_of(NAMES, st.sampled_from(["campaigns", "ab", "a-b", "x-2.yml", "é.yaml", "b", "yaml.yaml"])),
    min_size=1,
    max_size=6,
).map("/".join)


@given(PATTERNS)
@settings(max_examples=300)
def test_a_simple_glob_becomes_pathspecs_regular_expression(pattern: str) -> None:
    assert globs._regex(pattern) == GitIgnoreSpecPattern.pattern_to_regex(pattern)[0]


@given(st.lists(PATTERNS, max_size=3), st.lists(PATHS, min_size=1, max_size=8))
@settings(max_examples=300)
def test_simple_globs_answer_every_path_as_pathspec(patterns: list[str], paths: list[str]) -> None:
    ours = globs.compiled(patterns)
    theirs = pathspec.GitIgnoreSpec.from_lines(patterns)
    assert not isinstance(ours, pathspec.PathSpec)  # matched without pathspec
    for path in paths:
        assert ours.match_file(path) == theirs.match_file(path), (patterns, path)
        assert ours.match_file("./" + path) == theirs.match_file("./" + path)


@pytest.mark.parametrize(
    "pattern",
    ["!campaigns/a.yaml", "campaigns/?.yaml", "campaigns/[ab]*.yaml", "/campaigns/*.yaml", "campaigns/", "#x",
     "a\\*b", "campaigns/*.yaml ", "kampagnen/ä.yaml", "a**b", ""],
)  # fmt: skip
def test_any_other_glob_goes_to_pathspec(pattern: str) -> None:
    assert globs._regex(pattern) is None
    assert isinstance(globs.compiled(["campaigns/**/*.yaml", pattern]), pathspec.GitIgnoreSpec)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/*/**", "campaigns/campaigns", True),
        ("**/*/**", "campaigns", False),
        ("**/*/**", "a/b/c.yaml", True),
    ],
)
def test_an_unanchored_expression_is_searched_as_pathspec_does(
    pattern: str, path: str, matches: bool
) -> None:
    assert globs._regex(pattern) == "/"  # found by the property test above, once: not anchored at the start
    assert globs.compiled([pattern]).match_file(path) is matches
    assert pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(path) is matches


def test_the_default_globs_are_simple() -> None:
    matcher = globs.compiled(["campaigns/**/*.yaml", "campaigns/**/*.yml"])
    assert not isinstance(matcher, pathspec.PathSpec)
    assert matcher.match_file("campaigns/brand/app-tips.yaml")
    assert matcher.match_file("campaigns/top.yml")
    assert not matcher.match_file("drafts/campaigns/x.yaml")
    assert not globs.compiled([]).match_file("campaigns/top.yml")
