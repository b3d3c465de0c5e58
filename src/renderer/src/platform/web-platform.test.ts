import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import { sameOriginEndpoint, webEndpoint } from './web-platform.ts';

describe('web endpoint', () => {
  it('uses the gateway of the page, wss on https, with the token the page was opened with', () => {
    expect(sameOriginEndpoint(new URL('https://asr.example.com:8443/?token=abc'))).toEqual({ url: 'wss://asr.example.com:8443', token: 'abc', mode: 'local' });
    expect(sameOriginEndpoint(new URL('http://127.0.0.1:3000/'))).toEqual({ url: 'ws://127.0.0.1:3000', token: '', mode: 'local' });
  });

  it('switches to the team cluster of the settings, only when it has a URL', () => {
    const page = new URL('http://127.0.0.1:3000/');
    const remote = { ...DEFAULT_SETTINGS, engineMode: 'remote' as const, remoteUrl: 'wss://team.example.com', remoteToken: 't0k3n' };
    expect(webEndpoint(remote, page)).toEqual({ url: 'wss://team.example.com', token: 't0k3n', mode: 'remote' });
    expect(webEndpoint({ ...remote, remoteUrl: '' }, page).mode).toBe('local');
    expect(webEndpoint(DEFAULT_SETTINGS, page).url).toBe('ws://127.0.0.1:3000');
  });
});
