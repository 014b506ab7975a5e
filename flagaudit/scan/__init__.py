"""Scanning a project: which files, the content-hash cache, parallel extraction, and the project pipeline with
wrapper inference."""
