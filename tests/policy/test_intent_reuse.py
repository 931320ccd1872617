"""``intent.offer`` reuses its reading for the same campaign and view, and only for them."""

from __future__ import annotations

from campaign_lint.core import yamlload
from campaign_lint.policies import intent
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Campaign
from tests.policy.support import feedback


def _campaign(purpose: str) -> Campaign:
    text = feedback("reuse").replace("Learn whether orders meet expectations.", purpose)
    document = yamlload.load(text)
    return Campaign.model_validate(strip_extensions(document.data, document.extensions))


def test_each_campaign_and_view_gets_its_own_reading() -> None:
    plain, offering = _campaign("Learn whether orders meet expectations."), _campaign("Get 20% off today.")
    view = PolicyView()
    for _ in range(2):
        assert intent.offer(plain, view) is None
        assert intent.offer(plain, view) is None
        found = intent.offer(offering, view)
        assert found is not None
        assert found.path == ("purpose",)
    # The same campaign under a view whose vocabulary lists its words.
    assert intent.offer(plain, view) is None
    wider = PolicyView(vocabulary=view.vocabulary.model_copy(update={"offers": ["orders meet"]}))
    found = intent.offer(plain, wider)
    assert found is not None
    assert found.said == "orders meet"
