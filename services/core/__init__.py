"""Shared core: configuration, runtime, unit of work, jobs, refusals, links, rate limits, periodic runs, the audit chain and the access policy."""
