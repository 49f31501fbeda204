"""Campaigns (chỉ thị, kế hoạch phát động): movements, criteria, participants, clusters."""
