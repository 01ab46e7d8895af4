"""Cross-posting from the workspace: the jobs that run the cross-poster as a process of its own
(the API never imports it) and keep what it printed for the Cross-post page."""
