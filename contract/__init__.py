"""What the three programs share: the site manifest and search index, the vocabularies, the
built-in wordings.

The Pelican plugin writes the manifest, the feedback API and the cross-poster read it; all three
name platforms, question types, comment statuses and audit actions from `vocabulary`. This layer
imports the standard library only (the tests add jsonschema to check the manifest against its
schema), so any program may import it and it can import none of them.
"""
