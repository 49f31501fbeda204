"""Notifications (thông báo) and deadline reminders."""
