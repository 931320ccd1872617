"""The engine: discovery, the per-file pipeline, the worker pool, portfolio rules, controls, cache."""
