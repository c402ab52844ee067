"""A requests transport adapter that hands requests to a WSGI app in-process, so the outbound WeChat client
talks to the fake WeChat API without a server."""
from __future__ import annotations

from io import BytesIO
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from werkzeug.test import Client


class WSGIAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.client = Client(app)
        self.calls: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        url = urlsplit(request.url)
        self.calls.append(url.path)
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        result = self.client.open(path=url.path, query_string=url.query, method=request.method, data=body,
                                  headers=dict(request.headers))
        response = requests.Response()
        response.status_code = result.status_code
        response.headers.update(result.headers)
        response.raw = BytesIO(result.get_data())
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release: the app runs in this process."""
