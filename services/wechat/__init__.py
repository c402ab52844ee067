"""The outbound WeChat API client (token cache, media download, messages, OAuth) and the jobs that call it: below both
web (OAuth) and bot."""
