"""Positions found in the composed nodes (``Document.span``) agree with the table of every path."""

from __future__ import annotations

import pytest

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Span
from campaign_lint.core.yamlnodes import node_span
from campaign_lint.core.yamlpath import YamlPath

MERGES = """\
defaults: &defaults
  channel: email
  frequency: {max: 2, per: 1w}
  '<<': quoted, an ordinary key
more: &more
  channel: sms
  owner: team@example.com
campaign:
  <<: [*defaults, *more]
  id: welcome
  steps:
    - delay: 1d
    - {delay: 2d, x-note: flow}
  trigger:
    event: signup
  tags: [a, b]
alias: *defaults
"""


def _by_table(document: yamlload.Document, path: YamlPath, *, key: bool) -> Span:
    """The span as the table of every path gives it: the path, else its nearest parent."""
    if key and path in document.keys:
        return node_span(document.keys[path])
    while path and path not in document.values:
        path = path[:-1]
    node = document.values[path]
    block = node.__class__.__name__ != "ScalarNode" and not getattr(node, "flow_style", True)
    if path and block and path in document.keys:
        return node_span(document.keys[path])
    return node_span(node)


def test_every_path_and_its_neighbours_agree_with_the_table() -> None:
    tables = yamlload.load(MERGES)
    paths = set(tables.values) | set(tables.keys)
    asked = paths | {(*path, extra) for path in paths for extra in ("missing", 0, 1, 7, -1)}
    walked = yamlload.load(MERGES)
    for path in sorted(asked, key=repr):
        for key in (False, True):
            assert walked.span(path, key=key) == _by_table(tables, path, key=key), (path, key)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("campaign", "channel"), 2),  # merged: the first mapping of the list wins
        (("campaign", "owner"), 7),  # merged from the second mapping
        (("campaign", "id"), 10),  # written in the mapping itself
        (("alias", "<<"), 4),  # a quoted `<<` is an ordinary key
        (("campaign", "<<"), 8),  # ... but never merged: the mapping's key line
        (("campaign", "steps", 1, "delay"), 13),
        (("campaign", "steps", 1, "nothing"), 13),  # falls back to the list item
        (("alias", "frequency", "max"), 3),  # through an alias
    ],
)
def test_positions_through_merges_and_aliases(path: YamlPath, line: int) -> None:
    assert yamlload.load(MERGES).span(path).line == line


def test_the_tables_are_made_only_when_read() -> None:
    document = yamlload.load(MERGES)
    document.span(("campaign", "trigger", "event"))
    document.top_level_spans(("campaign", "alias"))
    assert document._tables is None
    assert document.values[()] is document.root
    assert list(document.keys)[:2] == [("defaults",), ("defaults", "channel")]
