/**
 * The renderer's Content-Security-Policy, sent as a response header by the session (the
 * renderer's index.html carries the same policy as a meta tag; both apply). Only our own files
 * run; sockets may go to the embedded gateway and to the team cluster the user configured.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    // The cluster URL is user-chosen and may change without a reload, hence ws:/wss: schemes.
    "connect-src 'self' ws://127.0.0.1:* ws: wss:",
    "media-src 'self' blob: mediastream:",
    "img-src 'self' data:",
    "font-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
