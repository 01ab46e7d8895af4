"""The public API: what readers' pages and scripts call without signing in.

Comments (post, list, count, the writer's own edit and delete), questionnaire responses (JSON or a
plain form), comment feeds, health and the OpenAPI description, and the built site served by the
API's own process in development. Every view here reads through `feedback_api.boundary` and writes
through `feedback_api.storage`; a 2xx is sent only after the commit.
"""
