"""Pledges (đăng ký thi đua), title registrations and results reports (sơ kết, tổng kết)."""
