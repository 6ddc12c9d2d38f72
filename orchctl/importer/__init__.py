"""`orchctl import`: live workflows and triggers as definition files."""
