"""The rules, their registry and the profiles."""
