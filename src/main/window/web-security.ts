import type { Session, WebContents } from 'electron';

/** Whether `url` is our own renderer page (the packaged file, or the dev server in development). */
export type OwnPagePredicate = (url: string) => boolean;

export function ownPagePredicate(rendererUrl: string): OwnPagePredicate {
  const own = new URL(rendererUrl);
  return (url: string) => {
    try {
      const u = new URL(url);
      return own.protocol === 'file:' ? u.protocol === 'file:' && u.pathname === own.pathname : u.origin === own.origin;
    } catch {
      return false;
    }
  };
}

/**
 * Session-wide rules: the CSP header on every response (none given: development), and no permission except the
 * microphone ('media') for our own page. Everything else (notifications, geolocation, HID,
 * …) is denied, both when asked and when checked.
 */
export function hardenSession(session: Session, isOwnPage: OwnPagePredicate, csp: string | undefined): void {
  if (csp) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(permission === 'media' && isOwnPage(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) => {
    return permission === 'media' && isOwnPage(requestingOrigin);
  });
}

/** No navigation away from our page, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents, isOwnPage: OwnPagePredicate): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
