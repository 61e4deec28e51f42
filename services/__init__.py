"""The application layer: one function (or small class) per use case of the platform, called alike by the
JSON routes, the pages, the CLI and the tests.

A service takes plain arguments (the principal, the settings and rules, the Temporal port), asks
domain/access.py whether the principal may, reads and writes through store/, talks to the workflows by
name through contracts/, and answers a result or raises a DomainError from the one catalogue
(domain/errors.py). It never imports api/: presenting (JSON, a page, a redirect) is the caller's.
Top-level, not under api/, because the worker's side (the outbox sweep) and the tests call it without a
web server.
"""
