"""The read-only JSON API for provincial systems (/api/v1).

Sits above every feature (it reads certificates, progress, hours, exams) and
nothing imports it. Clients are created by the security administrator,
scoped to a region, and authenticate with a bearer token.
"""
