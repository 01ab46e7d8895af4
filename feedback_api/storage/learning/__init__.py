"""Storage for what staff learn: `models` (code frames, coded items, commitment notices) and
their queries, `themes` and `commitments`. The storage layer's rules hold here too."""
