"""Councils (hội đồng thi đua – khen thưởng), their meetings and the secret ballot."""
