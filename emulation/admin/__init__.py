"""Administration: users, role grants and the audit log."""
