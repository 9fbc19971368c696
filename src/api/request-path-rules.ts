/**
 * How a request path is read for the checks that stand before the router (the auth routes' rate
 * limit, the token check). The router matches exact paths only (case-sensitive, no trailing slash);
 * these checks read a path generously instead, so that no spelling of an /api/v1 path — capitals,
 * doubled or trailing slashes, percent-encoded letters — slips past them.
 */

/** The path decoded once, in lower case, with runs of slashes made one and no trailing slash. */
export function canonicalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape ("%zz") is read as written; the router cannot match it either.
  }
  const collapsed = decoded.toLowerCase().replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** Whether the path, however spelled, lies under `prefix` (a canonical path such as /api/v1/auth). */
export function isUnderPath(path: string, prefix: string): boolean {
  return `${canonicalPath(path)}/`.startsWith(`${prefix}/`);
}
