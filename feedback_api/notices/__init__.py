"""Notices that leave the service: e-mail to moderators and digests, sent off the request path."""
