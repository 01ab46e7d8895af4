"""Commitments, "You said, we did" (`content/commitments/<consultation>.yaml`): checked, shown
on the consultation page and `/you-said-we-did/`, told in the consultations feed, carried in the
manifest for the notices sent to people who asked to hear back."""
