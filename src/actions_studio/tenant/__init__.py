"""tenant layer."""
