"""Accounts, roles and the audit trail.

- :mod:`orgnet.access.accounts`: local accounts (scrypt-hashed passwords), roles, scopes,
  sign-in with throttling after repeated failures.
- :mod:`orgnet.access.audit`: the append-only audit log.

What an account may *read* is enforced by :class:`orgnet.access.scoped.ScopedStore`, which
:func:`orgnet.access.accounts.store_for` builds for a signed-in account.
"""
