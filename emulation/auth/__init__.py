"""Accounts, roles and grants (tài khoản, vai trò, phân quyền)."""
