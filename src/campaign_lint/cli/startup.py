"""The console script's import shortcuts: start-up time saved in how three libraries are imported.

:func:`install` is called by the console script (``cli/entry.py``) and by
nothing else. It changes, for this process, how three third-party modules are
imported, which is fine for a command that owns its process and wrong for a
program that imports campaign_lint as a library (``import
campaign_lint.lint.engine`` installs nothing):

* pydantic's plugin search is a stand-in that finds none
  (``schemas/noplugins.py``): a noticeable part of every run that validates;
* the CEL library's package ``cel`` is imported bare: its ``__init__``
  imports a command-line tool (prompt_toolkit, rich: far slower to import) that
  custom rules (``policies/custom.py``, which imports ``cel.cel``) never use;
  the bare package only leads to its compiled module (docs/performance.md);
* PyYAML's pure-Python reader (``yaml.reader``, imported with ``yaml`` for
  its error class) compiles in its class body an expression of the
  characters YAML may not hold: a negated class over the whole of Unicode,
  which costs ``re`` about 55 million instructions, 6% of a one-file run. campaign-lint reads YAML with libyaml (``core/yamlload.py``) and
  never runs that reader. Just before the module is imported, the same
  class written as the characters it matches (``NON_PRINTABLE``: cheap to
  compile) is put in ``re``'s cache under the reader's expression, where its
  ``re.compile`` finds it (``tests/test_startup.py`` checks both match
  the same characters, and that the reader gets it).

All three are served by one finder, asked only when the module is first
imported: a run that needs none of them (a replayed one) pays nothing for them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType

# Modules imported differently: pydantic's plugin search (``schemas/noplugins.LOADER``,
# named here so that finding it imports nothing), and the package imported bare.
PLUGIN_LOADER = "pydantic.plugin._loader"
BARE = "cel"
# PyYAML's reader, and its expression of the characters YAML allows (``Reader.NON_PRINTABLE``)
# with the same set written as what it matches: C0 controls but tab and line ends, DEL to
# U+009F but NEL, surrogates, U+FFFE and U+FFFF.
YAML_READER = "yaml.reader"
PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
NON_PRINTABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


class _Shortcuts:
    """A finder, first on ``sys.meta_path``, for those three modules; every other import goes on as usual."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == YAML_READER:
            _cache_non_printable()
            return None  # imported as usual
        if name != PLUGIN_LOADER and name != BARE:
            return None
        from importlib.machinery import ModuleSpec, PathFinder

        if name == PLUGIN_LOADER:
            return ModuleSpec(name, cast("Loader", self))
        found = PathFinder.find_spec(name, path)
        if found is None or not found.submodule_search_locations:
            return None  # not installed: the import fails as usual
        spec = ModuleSpec(name, cast("Loader", self), is_package=True)
        spec.submodule_search_locations = list(found.submodule_search_locations)
        return spec

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        """The plugin loader's stand-in; for the bare package, the usual module (its ``__path__`` from ``spec``)."""
        if spec.name == PLUGIN_LOADER:
            from campaign_lint.schemas import noplugins

            return noplugins.stand_in()
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Nothing: what is left out is the module's own code."""


def _cache_non_printable() -> None:
    """``NON_PRINTABLE`` compiled, in ``re``'s cache under ``PRINTABLE`` (the key ``re.compile`` looks up first).

    The cache is ``re``'s own (a dict by type, pattern and flags in Python
    3.11 to 3.13); where it is not, nothing is put there and the reader
    compiles its expression as usual.
    """
    import re

    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, PRINTABLE, 0), re.compile(NON_PRINTABLE))


_FINDER = _Shortcuts()


def install() -> None:
    """Install the shortcuts (once). A module already imported is left as it is."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
