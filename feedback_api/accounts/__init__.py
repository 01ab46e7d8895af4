"""Staff accounts: password hashes, sign-in checks with lock-out, the second factor, and the
`flask --app feedback_api users …` commands that manage them."""
