"""The engine: incidents, policy and actions (freeze, kill, quarantine), and the journal."""
