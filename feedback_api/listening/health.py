"""A platform's health as staff read it: what a refusal the listener met means, and what to do."""

from __future__ import annotations

from feedback_api.storage.models import ListenState


def problem_line(row: ListenState) -> str:
    """What staff should do about a refusal, in words."""
    if row.problem_status == 401:
        return (
            f"The {row.platform} token was refused (expired or revoked): make a new one and set "
            f"it in the ENGAGE_{row.platform.upper()}_* settings. Listening and replying there "
            "have stopped until then."
        )
    if row.problem_status == 403:
        return f"The {row.platform} account lacks a permission for {row.source}: {row.problem}"
    return f"{row.platform}, {row.source}: {row.problem}"
