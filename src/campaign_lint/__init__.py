"""campaign-lint: a declarative campaign linter and policy-as-code toolkit."""

__version__ = "0.1.0"
# The project's public home and issue tracker: pyproject.toml's [project.urls],
# the README's links, SARIF's informationUri, `init`'s pre-commit snippet and
# the bug message all say these (tests/test_packaging.py checks). Releases are
# tagged v<version> (v0.1.0), the `rev:` pre-commit configurations name.
REPOSITORY = "https://github.com/campaign-lint/campaign-lint"
ISSUES = f"{REPOSITORY}/issues"
