"""A path in the YAML data: keys and list indices (``("trigger", "delay")``, ``("steps", 0)``).

Its own module so that ``core.findings`` (every run) and ``core.fixes``
(only what fixes or reads a fix) both name it without importing each other.
"""

YamlPath = tuple[str | int, ...]
