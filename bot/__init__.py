"""copbot's platform-neutral core."""
