"""The console script's import shortcuts: start-up time saved in how two libraries are imported.

:func:`install` is called by the console script (``cli/entry.py``) and by
nothing else. It changes, for this process, how two third-party modules are
imported, which is fine for a command that owns its process and wrong for a
program that imports campaign_lint as a library (``import
campaign_lint.lint.engine`` installs nothing):

* pydantic's plugin search is a stand-in that finds none
  (``schemas/noplugins.py``): a noticeable part of every run that validates;
* the CEL library's package ``cel`` is imported bare: its ``__init__``
  imports a command-line tool (prompt_toolkit, rich: far slower to import) that
  custom rules (``policies/custom.py``, which imports ``cel.cel``) never use;
  the bare package only leads to its compiled module (docs/performance.md).

Both are served by one finder, asked only when the module is first
imported: a run that needs neither (a replayed one) pays nothing for them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType

# The modules imported differently: pydantic's plugin search (``schemas/noplugins.LOADER``,
# named here so that finding it imports nothing), and the package imported bare.
PLUGIN_LOADER = "pydantic.plugin._loader"
BARE = "cel"


class _Shortcuts:
    """A finder, first on ``sys.meta_path``, for those two modules; every other import goes on as usual."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
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


_FINDER = _Shortcuts()


def install() -> None:
    """Install the shortcuts (once). A module already imported is left as it is."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
