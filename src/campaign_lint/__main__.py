"""Allow ``python -m campaign_lint``."""

from campaign_lint.cli.entry import run

if __name__ == "__main__":  # pragma: no cover - exercised through the CLI tests
    run()
