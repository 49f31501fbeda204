"""Public pages (trang công khai): the honour roll and the eligibility self-check, for visitors
without an account, each off until an administrator turns it on."""
