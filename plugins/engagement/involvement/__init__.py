"""The involvement report's words (`content/involvement/`): sections and case studies written by
comms staff, checked, rendered safely and carried in the manifest for the API's report."""
