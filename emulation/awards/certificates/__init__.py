"""Giấy khen, bằng khen: certificates printed from an issued decision."""
