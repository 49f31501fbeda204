"""The records eligibility reads (appraisals, initiatives, discipline, awards received),
their imports, and the honour roll (bảng vàng)."""
