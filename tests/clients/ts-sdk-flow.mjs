// The official TypeScript SDK client (@modelcontextprotocol/sdk) through the
// whole OAuth flow against the server at MCP_URL: discovery from the 401,
// dynamic client registration, consent approved with ACCESS_CODE, token,
// tools/list, a NeonPanel tool call, refresh, and another call. Prints one
// JSON object with what it saw; exits non-zero on any failure.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { decide } from "./consent-form.mjs";

const mcpUrl = new URL(process.env.MCP_URL);
const accessCode = process.env.ACCESS_CODE;
const redirectUrl = "http://127.0.0.1:53683/callback";

/** Keeps everything in memory, as a CLI client with no disk would. */
class MemoryProvider {
  constructor() {
    this.client = undefined;
    this.savedTokens = undefined;
    this.verifier = undefined;
    this.authorizationUrl = undefined;
  }
  get redirectUrl() {
    return redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: "TypeScript SDK test client",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information) {
    this.client = information;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

async function connect(provider) {
  const client = new Client({ name: "ts-sdk-flow", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await client.connect(transport);
  return client;
}

const provider = new MemoryProvider();
const report = {};

// The first connection fails with 401 and leaves an authorization URL.
try {
  await connect(provider);
  throw new Error("the server accepted a connection without a token");
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
}
if (!provider.authorizationUrl) throw new Error("the SDK did not start authorization");
report.client_id = provider.client?.client_id;
report.authorization_url = provider.authorizationUrl.href;

const callback = await decide(provider.authorizationUrl.href, accessCode, "approve");
if (callback.origin + callback.pathname !== redirectUrl) {
  throw new Error(`redirected to ${callback.href}, not the registered callback`);
}
const code = callback.searchParams.get("code");
if (!code) throw new Error(`no code in ${callback.href}`);
report.callback_has_iss = callback.searchParams.has("iss");

const finishing = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
await finishing.finishAuth(code);
const firstToken = provider.savedTokens.access_token;

const client = await connect(provider);
const tools = await client.listTools();
report.tools = tools.tools.map((tool) => tool.name);

const companies = await client.callTool({ name: "account_list_companies", arguments: {} });
if (companies.isError) throw new Error(`account_list_companies failed: ${JSON.stringify(companies)}`);
report.first_company = companies.structuredContent?.data?.[0]?.uuid;
await client.close();

// Refresh: the SDK's auth() spends the refresh token when it holds one.
const refreshed = await auth(provider, { serverUrl: mcpUrl });
if (refreshed !== "AUTHORIZED") throw new Error(`refresh ended with ${refreshed}`);
report.token_rotated = provider.savedTokens.access_token !== firstToken;

const again = await connect(provider);
const second = await again.callTool({ name: "account_list_companies", arguments: {} });
if (second.isError) throw new Error(`call after refresh failed: ${JSON.stringify(second)}`);
report.second_company = second.structuredContent?.data?.[0]?.uuid;
await again.close();

console.log(JSON.stringify(report));
