"""The one registry of built-in rules, in catalogue order."""

from __future__ import annotations

from campaign_lint.policies.aud import AUD001, AUD002
from campaign_lint.policies.base import Rule
from campaign_lint.policies.con import CON001, CON002, CON003, CON004
from campaign_lint.policies.frq import FRQ001, FRQ002, FRQ003, FRQ004
from campaign_lint.policies.met import MET001, MET002, MET003, MET004
from campaign_lint.policies.pol import POL001, POL002, POL003
from campaign_lint.policies.spec import SPEC001, SPEC002, SPEC003, SPEC004, SPEC005
from campaign_lint.policies.tim import TIM001, TIM002, TIM003, TIM004
from campaign_lint.policies.trp import TRP001, TRP002, TRP003, TRP004, TRP005, TRP006
from campaign_lint.policies.val import VAL001, VAL002, VAL003

RULES: tuple[type[Rule], ...] = (
    SPEC001,
    SPEC002,
    SPEC003,
    SPEC004,
    SPEC005,
    VAL001,
    VAL002,
    VAL003,
    TIM001,
    TIM002,
    TIM003,
    TIM004,
    FRQ001,
    FRQ002,
    FRQ003,
    FRQ004,
    CON001,
    CON002,
    CON003,
    CON004,
    TRP001,
    TRP002,
    TRP003,
    TRP004,
    TRP005,
    TRP006,
    AUD001,
    AUD002,
    MET001,
    MET002,
    MET003,
    MET004,
    POL001,
    POL002,
    POL003,
)

RULES_BY_ID: dict[str, type[Rule]] = {rule.id: rule for rule in RULES}

FAMILY_NAMES = {
    "SPEC": "the file itself",
    "VAL": "customer value",
    "TIM": "timing",
    "FRQ": "frequency and contact pressure",
    "CON": "consent and control",
    "TRP": "traps and dark patterns",
    "AUD": "audience fit",
    "MET": "measurement",
    "POL": "the policy itself",
}
