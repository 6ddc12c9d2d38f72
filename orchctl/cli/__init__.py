"""Click commands, one module per subcommand; domain logic lives beside, not here."""
