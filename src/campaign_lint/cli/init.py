"""``campaign-lint init``: a commented policy, one clean example campaign, the pre-commit snippet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from campaign_lint import REPOSITORY, __version__
from campaign_lint.core.errors import UsageError

POLICY_FILE = "campaign-lint.yaml"
EXAMPLE_FILE = "campaigns/welcome.yaml"
# The JSON Schemas committed in this project's schemas/ folder, at the tag of the running version.
SCHEMA_URL = f"https://raw.githubusercontent.com/campaign-lint/campaign-lint/v{__version__}/schemas"

POLICY_HEAD = f"""\
# yaml-language-server: $schema={SCHEMA_URL}/policy.schema.json
# campaign-lint policy: the engagement rules every campaign is checked against
# before it ships. `campaign-lint check` lints the campaigns below;
# `campaign-lint check --show-policy` prints the effective policy and where
# each value comes from; `campaign-lint explain TIM001` explains a rule.
# Every key is optional. Write down why you change a number.
version: 1

# Start from a built-in profile: minimal (regulatory and schema errors only),
# recommended, or strict (everything, and warnings fail).
extends: recommended

# Which files are campaigns (gitignore-style globs), and which are skipped.
campaigns: ["campaigns/**/*.yaml"]
exclude: ["campaigns/archive/**"]

# The lowest severity that fails a run (blocks the commit or merge):
# error | warning | info.
fail_on: error

# How often ONE customer may hear from you on each channel, counted across
# all campaigns together: a customer does not care which team sent the fifth
# email this week. These are examples; put your own promise here.
channels:
  email:
    cap: {{max: 3, per: 7d}}
  sms:
    cap: {{max: 2, per: 7d}}
    consent: [express_written]          # US TCPA: written consent for marketing texts
    send_window: {{start: "08:00", end: "20:00"}}   # recipient-local time
  push:
    cap: {{max: 1, per: 1d}}

# All channels together, per customer:
# total_cap: {{max: 6, per: 7d}}

# Events campaigns may start or stop on. `after` gives the order of things;
# `fulfilment: true` marks when the customer has the product in hand, so
# review requests never go out before delivery. A campaign naming an event
# missing here is flagged, so a typo cannot silently stop a campaign. These
# are the events the examples of `campaign-lint explain` use; rename them to
# your own, and campaign-lint's hints will suggest yours.
events:
  account.created: {{}}
  cart.abandoned: {{}}
  cart.emptied: {{}}
  order.placed: {{}}
  order.shipped: {{after: order.placed}}
  order.delivered: {{after: order.shipped, fulfilment: true}}
  review.submitted: {{after: order.delivered}}
  order.returned: {{}}
  unsubscribed: {{}}                   # the customer said no: stops every campaign
"""

# Optional sections, written commented out. Kept apart so a test can check
# that they still load once uncommented.
POLICY_EXAMPLES = """\
# Per-rule severity or options; `off` disables a rule.
rules:
  MET002: warning
  TIM001: {min_delay: 3d}

# A reviewed, expiring waiver. Once it expires the finding comes back, and
# an expired or unused waiver is reported itself.
exceptions:
  - rule: FRQ002
    campaigns: [black-friday-2026]
    reason: Approved by the CMO for Black Friday week (MKT-1234).
    expires: 2026-12-01

# Your organisation's own rules, written as CEL expressions.
custom_rules:
  - id: ORG001
    severity: error
    description: SMS campaigns need legal sign-off.
    when: campaign.channel == "sms"
    assert: "'x-legal-approved' in campaign && campaign['x-legal-approved'] == true"
    message: "SMS campaign {id} has no legal sign-off (x-legal-approved: true)"
"""

EXAMPLE_CAMPAIGN = f"""\
# yaml-language-server: $schema={SCHEMA_URL}/campaign.schema.json
# An example campaign: one campaign per file. Copy it to start a new one,
# or delete it. `campaign-lint explain <RULE>` says why each rule matters.
version: 1
id: welcome                        # lowercase kebab-case, unique in the repository
name: Welcome to the shop
owner: crm-team@example.com
type: onboarding
purpose: Turn new account holders into first-time buyers.
customer_value: >-                 # what the customer gets, in their words
  You learn how delivery and free returns work, and get tips for choosing
  the right product.
channel: email
audience:
  segment: new_customers
  exclude: [staff_accounts]
  consent: opt_in
trigger:
  event: account.created
  delay: 1h
  stop_when: [order.placed]        # their order emails take over
frequency:                         # at most this often for ONE customer
  max: 2
  per: 14d
send_window:                       # recipient-local time
  start: "08:00"
  end: "20:00"
content:
  subject: Welcome! Here is how delivery and returns work
  unsubscribe: one_click
success_metrics: [incremental_conversions, retention_rate]   # outcomes, not opens
holdout: 10%                       # held back to measure what the emails change
"""

PRE_COMMIT_SNIPPET = f"""\
# .pre-commit-config.yaml
repos:
  - repo: {REPOSITORY}
    rev: v{__version__}
    hooks:
      - id: campaign-lint
"""


def policy_text() -> str:
    """The commented ``campaign-lint.yaml`` that ``init`` writes."""
    commented = "\n".join(
        line if line.startswith("#") else f"# {line}".rstrip() for line in POLICY_EXAMPLES.splitlines()
    )
    return f"{POLICY_HEAD}\n# Optional sections: uncomment and adapt.\n#\n{commented}\n"


def _files() -> dict[str, str]:
    return {POLICY_FILE: policy_text(), EXAMPLE_FILE: EXAMPLE_CAMPAIGN}


def _write_all(files: dict[Path, str]) -> None:
    """Write every file atomically, or none: on a failure, undo what was written."""
    from campaign_lint.cli.writing import write_output

    created: list[Path] = []
    for path, text in files.items():
        try:
            folders = reversed((path.parent, *path.parent.parents))
            created += [folder for folder in folders if not folder.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            created.append(path)
            write_output(path, text)
        except (OSError, UsageError) as exc:
            for done in reversed(created):  # files first, then the folders made for them
                if done.is_dir():
                    done.rmdir()
                else:
                    done.unlink(missing_ok=True)
            if isinstance(exc, UsageError):  # from write_output, which speaks of --output
                raise UsageError(str(exc).removeprefix("--output ")) from None
            raise UsageError(f"{path}: cannot write ({exc.strerror or exc}); nothing was changed") from None


def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to set up (default: the current folder).")
    ] = Path("."),
) -> None:
    """Write a commented campaign-lint.yaml and an example campaign; print the pre-commit snippet."""
    from campaign_lint.lint.locate import POLICY_NAMES

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a folder")
    files = {directory / name: text for name, text in _files().items()}
    # Checked before anything is written, so a refusal leaves the folder as it was.
    for path in [*files, *(directory / name for name in POLICY_NAMES)]:
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path} already exists; init writes nothing over existing files")
    _write_all(files)
    for path in files:
        typer.echo(f"Wrote {path}")
    typer.echo(
        "\nCheck your campaigns with `campaign-lint check`. To run it before every commit,\n"
        "add this to .pre-commit-config.yaml (https://pre-commit.com):\n"
    )
    typer.echo(PRE_COMMIT_SNIPPET, nl=False)
