// api.js: requests to gridplan's API. Answers that are not 2xx become an
// ApiError carrying the problem+json status and detail, so panels can
// explain a refusal in the interface language (problems.js). Writes carry
// the session's CSRF token, which the server requires with the cookie.

export class ApiError extends Error {
  constructor(path, status, detail) {
    super(`${path}: ${detail}`);
    this.path = path;
    this.status = status;
    this.detail = detail;
  }
}

let csrfToken = '';

export function setCSRF(token) { csrfToken = token || ''; }

async function check(path, res) {
  if (res.ok) return res;
  let detail = `${res.status} ${res.statusText}`;
  try {
    const problem = await res.json();
    if (problem.detail) detail = problem.detail;
  } catch { /* not problem+json */ }
  throw new ApiError(path, res.status, detail);
}

// api fetches JSON with GET.
export async function api(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json, application/geo+json' } });
  await check(path, res);
  return res.json();
}

// send writes JSON (POST by default) and answers the JSON reply (null for
// an empty one) with the response's ETag.
export async function send(path, body, method = 'POST') {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  await check(path, res);
  const text = await res.text();
  return { data: text ? JSON.parse(text) : null, etag: res.headers.get('ETag') };
}
