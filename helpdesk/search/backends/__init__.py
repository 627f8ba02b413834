"""The search backends and the small interface they share."""
