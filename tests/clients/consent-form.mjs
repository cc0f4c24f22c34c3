// Submits the server's consent page the way a browser would: loads the page
// with its cookie, posts the form's hidden fields, its checked radio buttons
// and checkboxes, the typed access code and the pressed button, and returns
// the redirect the server answers with.

/** Reads the attributes of one HTML tag into a Map. */
function attributes(tag) {
  const found = new Map();
  const pattern = /([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const match of tag.replace(/^<\w+/, "").matchAll(pattern)) {
    const value = match[2] ?? match[3] ?? match[4] ?? "";
    found.set(match[1].toLowerCase(), unescape(value));
  }
  return found;
}

function unescape(text) {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/**
 * Builds the form body of the first form on `html`, pressing the button whose
 * value is `button` and typing `accessCode` into text and password fields.
 */
export function formSubmission(html, accessCode, button) {
  const start = html.indexOf("<form");
  const end = html.indexOf("</form>", start);
  if (start < 0 || end < 0) throw new Error("the consent page has no form");
  const form = html.slice(start, end);
  const action = attributes(form.slice(0, form.indexOf(">"))).get("action") ?? "";
  const body = new URLSearchParams();
  let pressed = false;
  for (const match of form.matchAll(/<(input|button)\b[^>]*>/gi)) {
    const tag = attributes(match[0]);
    const name = tag.get("name");
    if (!name) continue;
    const isButton = match[1].toLowerCase() === "button";
    const type = (tag.get("type") ?? (isButton ? "submit" : "text")).toLowerCase();
    const value = tag.get("value") ?? "";
    if (type === "submit") {
      if (!pressed && value === button) {
        body.append(name, value);
        pressed = true;
      }
    } else if (type === "password" || type === "text") {
      body.append(name, accessCode);
    } else if (type === "radio" || type === "checkbox") {
      if (tag.has("checked")) body.append(name, value);
    } else {
      body.append(name, value);
    }
  }
  if (!pressed) throw new Error(`the consent form has no ${button} button`);
  return { action, body };
}

/**
 * Approves (or denies) the consent page at `authorizationUrl` and returns the
 * `Location` the server redirects to.
 */
export async function decide(authorizationUrl, accessCode, button = "approve") {
  const page = await fetch(authorizationUrl, { redirect: "manual" });
  if (page.status !== 200) {
    throw new Error(`consent page: HTTP ${page.status}: ${await page.text()}`);
  }
  const cookie = (page.headers.getSetCookie?.() ?? [])
    .map((line) => line.split(";")[0])
    .join("; ");
  const { action, body } = formSubmission(await page.text(), accessCode, button);
  const response = await fetch(new URL(action, authorizationUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body,
  });
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`consent decision: HTTP ${response.status}: ${await response.text()}`);
  }
  return new URL(location);
}
