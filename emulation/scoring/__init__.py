"""Scoring and ranking (chấm điểm, xếp hạng): score sheets, adjustments, settings, rankings."""
