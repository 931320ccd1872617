"""Tests of the policy-as-code features (issue 3): inheritance, CEL, schema, waivers, suppressions."""
