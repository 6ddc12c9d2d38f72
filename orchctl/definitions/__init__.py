"""The user's repository: orchctl.yaml, definition files, and the objects they describe."""
