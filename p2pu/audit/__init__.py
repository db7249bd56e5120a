"""An append-only record of actions that change someone else's standing (who, what, when, on whom, why)."""
