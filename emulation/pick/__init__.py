"""Searchable pickers (chọn theo tên): small JSON searches behind the person, unit and account
fields of the forms, each limited to what the user may see."""
