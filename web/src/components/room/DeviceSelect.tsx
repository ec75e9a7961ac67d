/** The options of a device choice; unnamed devices (before the browser grants access) are numbered: `unnamed` 1, 2 … */
export function DeviceOptions({ devices, unnamed }: { devices: MediaDeviceInfo[]; unnamed: string }) {
  return devices.map((device, i) => (
    <option key={device.deviceId || i} value={device.deviceId}>
      {device.label || `${unnamed} ${i + 1}`}
    </option>
  ));
}

interface DeviceSelectProps {
  label: string;
  devices: MediaDeviceInfo[];
  /** What an unnamed device is called (numbered); the label by default. */
  deviceLabel?: string;
  value: string;
  onChange: (deviceId: string) => void;
  /** The choice of no device, if offered. */
  empty: string | undefined;
  testId: string;
}

/** A labelled choice of media device. */
export function DeviceSelect({ label, devices, deviceLabel = label, value, onChange, empty, testId }: DeviceSelectProps) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {empty !== undefined && <option value="">{empty}</option>}
        <DeviceOptions devices={devices} unnamed={deviceLabel} />
      </select>
    </label>
  );
}
