"""Qt widgets, dialogs and item models. They talk only to services, never to the database."""
