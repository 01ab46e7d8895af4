"""People's rights and retention: find, export and erase what someone submitted, purge what is
past its keeping time; the `people` and `purge` commands."""
