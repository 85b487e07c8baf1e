"""Custom actions of Vraagbaak (rasa-sdk). The knowledge code lives in actions.knowledge."""
