"""Reference data administrators maintain: the base salary (lương cơ sở) table and the working
calendar's overrides (holidays, swapped days off, make-up working days), each dated with its
legal source."""
