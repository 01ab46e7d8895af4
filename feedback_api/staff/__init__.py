"""The staff workspace at /admin: sign-in, the moderation queue, reports, the dashboard and the
people's-rights pages.

Every page here needs a signed-in account (`auth.staff_required`); every action is written to the
audit log in the same transaction as the change.
"""
