"""The storage layer: the tables (`models`), the queries by name, and the audit log.

Views and commands call these; they never build SQL themselves. Storage functions add to the
current transaction; the view or command that handles one request or one action commits it.
"""
