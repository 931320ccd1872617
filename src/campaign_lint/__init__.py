"""campaign-lint: a declarative campaign linter and policy-as-code toolkit."""

__version__ = "0.1.0"
