"""Pydantic without its plugin search, a noticeable part of every start-up.

Before pydantic builds its first validator, it imports
``pydantic.plugin._loader`` to look for *pydantic plugins* (packages that
observe every validation, such as tracing tools) among the entry points of
all installed packages. That module imports ``importlib.metadata``, which
brings email, zipfile, csv and more: about a tenth of a one-file check
(docs/performance.md has the measurement). campaign-lint's validation is internal to the linter
and is not meant to be observed, so the console script imports a stand-in
for that module (:func:`stand_in`) whose ``get_plugins`` finds none: what
pydantic does itself when ``PYDANTIC_DISABLE_PLUGINS=__all__`` is set. Any
other name a later pydantic release asks of the module is taken from the
real one, loaded then.

Only the console script does this, when pydantic first asks for the module
(``cli/startup.py``): a program that imports campaign_lint keeps pydantic's
plugins, and so does a process where the real module was imported first.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import types
from collections.abc import Iterable
from typing import Any

LOADER = "pydantic.plugin._loader"


def get_plugins() -> Iterable[Any]:
    """No pydantic plugins observe campaign-lint's validation."""
    return ()


class _StandIn(types.ModuleType):
    """``pydantic.plugin._loader`` with ``get_plugins`` finding none; other names from the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for `__path__` and the like
            raise AttributeError(name)
        real = self.__dict__.get("_real")
        if real is None:
            real = self.__dict__["_real"] = _load_real()
        return getattr(real, name)


def _load_real() -> types.ModuleType:
    """The real plugin loader, loaded under another name (its own is taken by the stand-in)."""
    import pydantic.plugin

    found = importlib.machinery.PathFinder.find_spec("_loader", list(pydantic.plugin.__path__))
    if found is None or found.origin is None:
        raise ImportError(f"cannot find {LOADER}")
    spec = importlib.util.spec_from_file_location(LOADER, found.origin)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {LOADER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stand_in() -> types.ModuleType:
    """A new stand-in for ``pydantic.plugin._loader`` (see the module docstring)."""
    module = _StandIn(LOADER, __doc__)
    module.get_plugins = get_plugins  # type: ignore[attr-defined]
    return module
