"""The campaign dashboard moved to `emulation.campaigns.dashboard` and `unit_items` to
`emulation.pledges.reports`; scoring still imports it from here until it reads it there."""
from emulation.pledges.reports import unit_items

__all__ = ["unit_items"]
