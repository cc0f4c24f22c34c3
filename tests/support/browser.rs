//! A minimal stand-in for a person's browser on the consent page: loads the
//! page with a cookie jar, reads the form's fields the way a browser would,
//! fills in the access code, and submits with the chosen button.

use url::Url;

/// One `<input>` or `<button>` of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub tag: String,
    pub kind: String,
    pub name: String,
    pub value: String,
}

/// The first `<form>` of a page.
#[derive(Clone, Debug)]
pub struct Form {
    pub method: String,
    pub action: String,
    pub fields: Vec<Field>,
}

impl Form {
    /// Parses the first form of an HTML page; `None` when there is none.
    pub fn parse(page: &str) -> Option<Self> {
        let start = page.find("<form")?;
        let end = page[start..]
            .find("</form>")
            .map_or(page.len(), |end| start + end);
        let form_html = &page[start..end];
        let open_tag = &form_html[..form_html.find('>')?];
        let attributes = parse_attributes(open_tag);
        let method = attribute(&attributes, "method").unwrap_or_else(|| "get".to_owned());
        let action = attribute(&attributes, "action").unwrap_or_default();

        let mut fields = Vec::new();
        let mut rest = form_html;
        while let Some(position) = rest.find('<') {
            rest = &rest[position + 1..];
            let Some(close) = rest.find('>') else { break };
            let tag_text = &rest[..close];
            let tag = tag_text
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if tag == "input" || tag == "button" {
                let attributes = parse_attributes(tag_text);
                if let Some(name) = attribute(&attributes, "name") {
                    let default_kind = if tag == "button" { "submit" } else { "text" };
                    fields.push(Field {
                        tag: tag.clone(),
                        kind: attribute(&attributes, "type")
                            .unwrap_or_else(|| default_kind.to_owned())
                            .to_ascii_lowercase(),
                        name,
                        value: attribute(&attributes, "value").unwrap_or_default(),
                    });
                }
            }
            rest = &rest[close..];
        }
        Some(Self {
            method: method.to_ascii_lowercase(),
            action,
            fields,
        })
    }

    /// Builds the pairs a browser posts: every non-button field, the text or
    /// password fields filled with `typed`, and the one pressed button whose
    /// value contains `button`.
    pub fn submission(&self, typed: &str, button: &str) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut pressed = false;
        for field in &self.fields {
            match field.kind.as_str() {
                "submit" => {
                    if !pressed && field.value.to_ascii_lowercase().contains(button) {
                        pairs.push((field.name.clone(), field.value.clone()));
                        pressed = true;
                    }
                }
                "password" | "text" => pairs.push((field.name.clone(), typed.to_owned())),
                "checkbox" | "radio" => {}
                _ => pairs.push((field.name.clone(), field.value.clone())),
            }
        }
        assert!(
            pressed,
            "the form has no {button} button: {:?}",
            self.fields
        );
        pairs
    }
}

/// Loads the consent page at `authorization_url`, submits it with `typed` as
/// the access code and the button named `button`, and returns the response.
pub async fn submit_consent(
    http: &reqwest::Client,
    authorization_url: &str,
    typed: &str,
    button: &str,
) -> reqwest::Response {
    let page = http.get(authorization_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page loads");
    let page_url = page.url().clone();
    let html = page.text().await.unwrap();
    let form = Form::parse(&html).expect("the consent page has a form");
    assert_eq!(form.method, "post");
    let action = page_url.join(&form.action).unwrap_or(page_url);
    http.post(action)
        .form(&form.submission(typed, button))
        .send()
        .await
        .unwrap()
}

/// Approves the consent page with `access_code` and returns the redirect
/// target (the client's callback URL with `code`, `state` and `iss`).
pub async fn approve(http: &reqwest::Client, authorization_url: &str, access_code: &str) -> Url {
    let response = submit_consent(http, authorization_url, access_code, "approve").await;
    assert!(
        response.status().is_redirection(),
        "approval redirects, got {}",
        response.status()
    );
    let location = response.headers()["location"].to_str().unwrap();
    Url::parse(location).unwrap()
}

fn parse_attributes(tag: &str) -> Vec<(String, String)> {
    let mut attributes = Vec::new();
    let mut chars = tag.char_indices().peekable();
    // Skip the tag name.
    while let Some((_, c)) = chars.peek() {
        if c.is_whitespace() {
            break;
        }
        chars.next();
    }
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == '/')
        {
            chars.next();
        }
        let Some(&(name_start, _)) = chars.peek() else {
            break;
        };
        let mut name_end = tag.len();
        while let Some(&(index, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() || c == '/' {
                name_end = index;
                break;
            }
            chars.next();
        }
        let name = tag[name_start..name_end.min(tag.len())].to_ascii_lowercase();
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            match chars.peek().map(|(_, c)| *c) {
                Some(quote @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == quote {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if !name.is_empty() {
            attributes.push((name, unescape(&value)));
        }
    }
    attributes
}

fn attribute(attributes: &[(String, String)], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
