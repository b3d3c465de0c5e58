import { type JSX } from 'react';
import type { ConnectionStatus } from '../../../shared/protocol/listen-client.ts';

const TEXT: Record<ConnectionStatus, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  waiting: 'Waiting in queue',
  streaming: 'Listening',
  reconnecting: 'Connection lost — reconnecting…',
  stopping: 'Finishing…',
  ended: 'Done',
  failed: 'Connection failed',
};

/** The connection state in words and colour (never colour alone). */
export function ConnectionIndicator({ status, mode }: { status: ConnectionStatus; mode: 'local' | 'remote' }): JSX.Element {
  return (
    <div className={`connection connection-${status}`} role="status" aria-live="polite" data-testid="connection-status">
      <span className="connection-dot" aria-hidden="true" />
      <span>{TEXT[status]}</span>
      <span className="connection-mode">{mode === 'remote' ? 'Team cluster' : 'Local engine'}</span>
    </div>
  );
}
