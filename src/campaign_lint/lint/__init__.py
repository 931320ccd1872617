"""Loading campaign files with positions, the lint engine and findings."""
