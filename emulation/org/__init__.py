"""The organisation: the unit tree (đơn vị) and its people (cá nhân, đoàn viên)."""
