"""Where one process spends its time per campaign: the parts of linting a corpus, timed apart.

Usage (from a corpus folder, such as ``bench/corpus/10000``)::

    python bench/parts.py

It reads every campaign the policy's ``campaigns`` globs select and times,
in one process with the cyclic collector paused (as a run does): reading the
bytes, composing YAML nodes with positions (libyaml), building plain data,
pydantic validation, each built-in campaign rule, the custom CEL rules, the
top-level spans (read from the nodes, as a finding's) and the portfolio
record. The sum is close to what a
``--jobs 1`` run spends in its workers' part; the rest of a run is start-up,
discovery, the portfolio rules and the report. A script, not a test: it
prints figures and asserts nothing. It reaches into the loader's internals
(``yamlload._Composer``, ``yamlload._Builder``) to time composing and
building apart.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from campaign_lint.core import suppressions, yamlload
from campaign_lint.lint.cache import digest
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.targets import resolve
from campaign_lint.policies.base import PORTFOLIO_FIELDS, portfolio_view
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Campaign

T = TypeVar("T")


class Clock:
    """Seconds spent per part."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def time(self, part: str, work: Callable[[], T]) -> T:
        """Run ``work``, adding its time to ``part``."""
        started = time.perf_counter()
        try:
            return work()
        finally:
            self.spent[part] += time.perf_counter() - started


def main() -> None:
    """Time the parts over the corpus in the current folder and print them."""
    settings = load_settings(None, Path.cwd())
    engine = Engine(settings)
    files = resolve([], settings.scope(), force_exclude=False, changed=None).files
    clock, rules = Clock(), Clock()
    gc.disable()
    raws = clock.time("read the bytes", lambda: [source.read() for source in files])
    for raw in raws:
        clock.time("content digest", lambda: digest(raw))  # noqa: B023 - called at once
        try:
            text = clock.time("decode UTF-8", lambda: yamlload.decode(raw))  # noqa: B023
            node = clock.time("compose nodes (libyaml)", lambda: yamlload._Composer(text).get_single_node())  # noqa: B023
            if node is None:
                continue
            builder = yamlload._Builder(yamlload.MAX_NODES, yamlload.MAX_DEPTH)
            data = clock.time("plain data", lambda: builder.build(node, (), 0))  # noqa: B023
        except Exception:  # noqa: BLE001 - invalid files stop here, as in a run
            continue
        document = yamlload.Document(data, node, builder.extensions)
        clock.time("suppression comments", lambda: suppressions.parse(text))  # noqa: B023
        if not isinstance(data, dict):
            continue
        plain = strip_extensions(data, document.extensions) if document.extensions else data
        try:
            campaign = clock.time("pydantic validation", lambda: Campaign.model_validate(plain))  # noqa: B023
        except ValidationError:
            continue
        for rule, ctx, _ in engine.pipeline.rule_sets.default.campaign_rules:
            rules.time(rule.id, lambda: list(rule.check(campaign, ctx)))  # noqa: B023
        if engine.pipeline.custom is not None:
            clock.time("custom CEL rules", lambda: list(engine.pipeline.custom.check(data)))  # noqa: B023
        spans = clock.time("top-level spans", lambda: document.top_level_spans(PORTFOLIO_FIELDS))  # noqa: B023
        clock.time("portfolio record", lambda: portfolio_view("x", campaign, spans, settings.view))  # noqa: B023
    clock.spent["built-in campaign rules"] = sum(rules.spent.values())
    print(f"{len(files):,} campaign files, one process")
    for part, seconds in sorted(clock.spent.items(), key=lambda item: -item[1]):
        print(f"  {part:26s} {seconds:6.3f} s")
    print(f"  {'total':26s} {sum(clock.spent.values()):6.3f} s")
    slowest = sorted(rules.spent.items(), key=lambda item: -item[1])[:5]
    print("slowest built-in rules: " + ", ".join(f"{rule} {seconds:.3f} s" for rule, seconds in slowest))


if __name__ == "__main__":
    main()
