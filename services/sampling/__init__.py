"""Sampling (采样): tasks, schedules, trips, the polluter's confirmations, receipts, reports, contracts."""
