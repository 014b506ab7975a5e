"""Extraction: one file's bytes and the SDK rules in, plain facts out. Pure, runs in workers, no git."""
