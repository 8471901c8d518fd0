// The pages' one way to the API: who the caller is, how a request carries it, and what an answer means.
//
// Two ways of signing in, as the gateway in front decides: dev mode (the local gateway's default) names the caller
// with ?user_id=N on every call; JWT mode sends a bearer token, minted locally by the local gateway's sign-in, or
// handed over by an identity provider in the fragment (#jwt=...). GET /local/auth tells the local gateway's mode;
// where it is missing (AWS) the pages expect a token.

const SESSION_KEY = 'onsale.session';

/** The signed-in caller: {mode: 'dev'|'jwt', userId, token?, admin?}, or null. */
export function session() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY));
  } catch (e) {
    return null;
  }
}

export function signOut() {
  localStorage.removeItem(SESSION_KEY);
}

let authMode = null;

/** The gateway's way of signing in: {mode: 'dev'} | {mode: 'jwt', sign_in?: path}. */
export async function gatewayAuth() {
  if (authMode) return authMode;
  try {
    const reply = await fetch('/local/auth', { cache: 'no-store' });
    authMode = reply.ok ? await reply.json() : { mode: 'jwt' };
  } catch (e) {
    authMode = { mode: 'jwt' };
  }
  return authMode;
}

/** Signs in as userId: dev mode only remembers the id; JWT mode asks the local sign-in for a token. */
export async function signIn(userId, admin) {
  const auth = await gatewayAuth();
  if (auth.mode === 'dev') {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ mode: 'dev', userId, admin: true }));
    return session();
  }
  if (!auth.sign_in) throw new Error('This site signs in through its identity provider.');
  const reply = await fetch(auth.sign_in, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId, admin: !!admin }),
  });
  const body = await reply.json().catch(() => ({}));
  if (!reply.ok) throw new Error(body.detail || 'Sign-in failed (' + reply.status + ')');
  localStorage.setItem(SESSION_KEY, JSON.stringify({ mode: 'jwt', userId, admin: !!admin, token: body.token,
    expiresAt: body.expires_at }));
  return session();
}

/** A token handed over in the fragment (#jwt=...) signs the caller in, as the queue page accepts it. */
export function adoptFragmentToken() {
  const jwt = new URLSearchParams(location.hash.slice(1)).get('jwt');
  if (!jwt) return;
  let userId = '?';
  try {
    userId = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub || '?';
  } catch (e) { /* an unreadable token is still sent; the gateway decides */ }
  localStorage.setItem(SESSION_KEY, JSON.stringify({ mode: 'jwt', userId, token: jwt }));
  history.replaceState(null, '', location.pathname + location.search);
}

/** The path with the caller's query (dev mode) added. */
export function withCaller(path) {
  const s = session();
  if (!s || s.mode !== 'dev') return path;
  return path + (path.includes('?') ? '&' : '?') + 'user_id=' + encodeURIComponent(s.userId);
}

/** The waiting room's access token the queue page left for an event (sessionStorage, this tab only). */
export function roomToken(eventId) {
  return sessionStorage.getItem('onsale.waitingRoom.' + eventId);
}

/** Where the queue page of an event is, for this caller, coming back to `next` once admitted. */
export function queuePage(eventId, next) {
  const s = session();
  const query = new URLSearchParams({ next });
  if (s && s.mode === 'dev') query.set('user_id', s.userId);
  return '/events/' + eventId + '/queue?' + query + (s && s.token ? '#jwt=' + encodeURIComponent(s.token) : '');
}

/**
 * One API call. Answers {status, ok, body, etag, retryAfter (s), error (code), detail}; never throws for an HTTP
 * status. A network failure answers status 0, as a 503 would be handled: try again.
 * options: method, body (JSON), eventId (sends its waiting-room token), idempotencyKey, etag (If-None-Match)
 */
export async function call(path, options = {}) {
  const headers = {};
  const s = session();
  if (s && s.token) headers.authorization = 'Bearer ' + s.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['x-idempotency-key'] = options.idempotencyKey;
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.eventId !== undefined) {
    const token = roomToken(options.eventId);
    if (token) headers['x-waiting-room-token'] = token;
  }
  let reply;
  try {
    reply = await fetch(withCaller(path), {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
  } catch (e) {
    return { status: 0, ok: false, body: null, retryAfter: 2, error: 'network', detail: 'The service could not be reached.' };
  }
  const text = reply.status === 304 ? '' : await reply.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  const retry = Number.parseInt(reply.headers.get('retry-after') || '', 10);
  return {
    status: reply.status,
    ok: reply.ok,
    body,
    etag: reply.headers.get('etag'),
    retryAfter: Number.isFinite(retry) ? Math.max(0, retry) : null,
    error: body && body.error ? body.error : (reply.status === 401 ? 'unauthorized' : null),
    detail: body && (body.detail || body.message) ? (body.detail || body.message) : null,
  };
}

/** A key for one attempt at a write, kept across retries of that attempt so a retry is never a second hold. */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}
