/** The audio inputs the user can pick (labels appear once microphone permission is granted). */
export async function listInputDevices(): Promise<MediaDeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audioinput');
}
