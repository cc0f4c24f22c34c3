"""The official Python SDK client (PyPI `mcp`) through the whole OAuth flow
against the server at MCP_URL: discovery from the 401, dynamic client
registration, consent approved with ACCESS_CODE, token, tools/list, a
NeonPanel tool call, refresh, and another call. Prints one JSON object with
what it saw; exits non-zero on any failure."""

import asyncio
import json
import os
import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlparse

import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

MCP_URL = os.environ["MCP_URL"]
ACCESS_CODE = os.environ["ACCESS_CODE"]
REDIRECT_URI = "http://127.0.0.1:53684/callback"


class ConsentForm(HTMLParser):
    """Collects what a browser posts from the first form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str, str]] = []
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done:
            self._in_form = True
            self.action = attributes.get("action", "")
        elif self._in_form and tag in ("input", "button") and "name" in attributes:
            default = "submit" if tag == "button" else "text"
            kind = attributes.get("type", default).lower()
            if kind in ("radio", "checkbox") and "checked" not in attributes:
                return
            self.fields.append((kind, attributes["name"], attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True

    def submission(self, access_code: str, button: str) -> dict[str, str]:
        body: dict[str, str] = {}
        pressed = False
        for kind, name, value in self.fields:
            if kind == "submit":
                if not pressed and value == button:
                    body[name] = value
                    pressed = True
            elif kind in ("text", "password"):
                body[name] = access_code
            else:
                body[name] = value
        if not pressed:
            raise RuntimeError(f"the consent form has no {button} button")
        return body


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens) -> None:
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info) -> None:
        self.client_info = client_info


async def main() -> None:
    report: dict = {}
    callback: dict[str, str] = {}

    async def approve(authorization_url: str) -> None:
        report["authorization_url"] = authorization_url
        async with httpx2.AsyncClient(follow_redirects=False) as browser:
            page = await browser.get(authorization_url)
            if page.status_code != 200:
                raise RuntimeError(f"consent page: HTTP {page.status_code}: {page.text}")
            form = ConsentForm()
            form.feed(page.text)
            decision = await browser.post(
                urljoin(authorization_url, form.action),
                data=form.submission(ACCESS_CODE, "approve"),
            )
            location = decision.headers.get("location")
            if decision.status_code not in (302, 303) or not location:
                raise RuntimeError(f"consent decision: HTTP {decision.status_code}: {decision.text}")
        target = urlparse(location)
        if f"{target.scheme}://{target.netloc}{target.path}" != REDIRECT_URI:
            raise RuntimeError(f"redirected to {location}, not the registered callback")
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        callback.update(query)

    async def take_callback() -> AuthorizationCodeResult:
        report["callback_has_iss"] = "iss" in callback
        return AuthorizationCodeResult(code=callback["code"], state=callback.get("state"), iss=callback.get("iss"))

    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=MCP_URL,
        client_metadata=OAuthClientMetadata(
            client_name="Python SDK test client",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=approve,
        callback_handler=take_callback,
    )

    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        async with Client(streamable_http_client(MCP_URL, http_client=http)) as client:
            report["protocol_version"] = client.protocol_version
            tools = await client.list_tools()
            report["tools"] = [tool.name for tool in tools.tools]

            companies = await client.call_tool("account_list_companies", {})
            if companies.is_error:
                raise RuntimeError(f"account_list_companies failed: {companies}")
            report["first_company"] = companies.structured_content["data"][0]["uuid"]
            first_token = storage.tokens.access_token
            report["client_id"] = storage.client_info.client_id

            # Pretend the access token expired, so the next request refreshes it.
            provider.context.token_expiry_time = time.time() - 1
            again = await client.call_tool("account_list_companies", {})
            if again.is_error:
                raise RuntimeError(f"call after refresh failed: {again}")
            report["second_company"] = again.structured_content["data"][0]["uuid"]
            report["token_rotated"] = storage.tokens.access_token != first_token

    print(json.dumps(report))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as error:  # noqa: BLE001 - the exit status carries the failure
        print(f"python_sdk_flow failed: {error!r}", file=sys.stderr)
        raise
