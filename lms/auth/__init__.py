"""Accounts, roles and scopes, sign-in, password policy, TOTP, national-ID rules."""
