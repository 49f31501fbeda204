"""Awards (khen thưởng): catalogue with rules as data, person and unit records, eligibility."""
