"""Background jobs (tác vụ nền): long exports and imports run by the worker, with progress."""
