"""Fact-checkers' review of flagged claims: the queue, decisions, sign-in, reuse and export.

Library modules (queue, decisions, auth, reuse, export) need only DuckDB; the web app (review.app)
imports FastAPI and Jinja2 and is loaded only by `factcheck serve`.
"""
