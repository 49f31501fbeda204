"""Award catalogue: award types, their rules as data, quotas; `data.py` is the catalogue of
the texts in force (DESIGN.md §4) that `seed()` loads."""
