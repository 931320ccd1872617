"""pydantic models of campaign and policy files: the one source of truth for shape."""
