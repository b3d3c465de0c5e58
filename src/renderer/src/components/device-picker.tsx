import { useEffect, useState, type JSX } from 'react';
import { listInputDevices } from '../audio/input-devices.ts';

/** Microphone choice; labels appear once the browser granted microphone access. */
export function DevicePicker({ value, onChange, disabled, refreshKey }: { value: string; onChange(deviceId: string): void; disabled: boolean; refreshKey: unknown }): JSX.Element {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let live = true;
    const refresh = () =>
      void listInputDevices()
        .then((d) => live && setDevices(d))
        .catch(() => live && setDevices([]));
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
    };
  }, [refreshKey]);
  return (
    <label className="field">
      <span>Microphone</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid="device-picker">
        <option value="">System default</option>
        {devices
          .filter((d) => d.deviceId && d.deviceId !== 'default')
          .map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Microphone ${i + 1}`}
            </option>
          ))}
      </select>
    </label>
  );
}
