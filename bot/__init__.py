"""The WeChat side: the WeRoBot app, our signed endpoint, sessions, de-duplication, the outbound client."""
