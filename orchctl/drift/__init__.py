"""Drift: is the stack what the repository says? Read-only, made for a nightly job."""
