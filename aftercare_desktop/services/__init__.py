"""Domain logic without Qt. Each operation opens one short session and returns plain data."""
