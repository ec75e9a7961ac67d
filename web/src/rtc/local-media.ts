// This person's own cameras, microphones and microscope: the devices chosen before joining and opening their tracks.

export interface DeviceChoice {
  cameraId: string;
  microphoneId: string;
  microscopeId: string;
}

/** No choice made: the browser's default camera and microphone, no microscope. */
export const DEFAULT_DEVICES: DeviceChoice = { cameraId: '', microphoneId: '', microscopeId: '' };

/** What the pre-join screen hands to the room: the tracks it opened and the devices chosen. */
export interface JoinMedia {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  microscope: MediaStreamTrack | null;
  devices: DeviceChoice;
}

const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** The browser's media devices; absent outside a secure context (plain http) or without any media support. */
export function mediaDevices(): MediaDevices | null {
  return (navigator.mediaDevices as MediaDevices | undefined) ?? null;
}

function required(): MediaDevices {
  const devices = mediaDevices();
  if (!devices) throw new Error('no media devices');
  return devices;
}

/** A camera (or microscope) track of `deviceId` ('' for the default camera). */
export async function openVideo(deviceId: string): Promise<MediaStreamTrack | null> {
  const constraints = deviceId ? { ...CAMERA_CONSTRAINTS, deviceId: { exact: deviceId } } : CAMERA_CONSTRAINTS;
  const stream = await required().getUserMedia({ video: constraints });
  return stream.getVideoTracks()[0] ?? null;
}

/** A microphone track of `deviceId` ('' for the default microphone). */
export async function openAudio(deviceId: string): Promise<MediaStreamTrack | null> {
  const stream = await required().getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
  return stream.getAudioTracks()[0] ?? null;
}

/** The screen (or a window) the person picks, at a frame rate that keeps its detail sharp. */
export async function openScreen(): Promise<MediaStreamTrack | null> {
  const stream = await required().getDisplayMedia({ video: { frameRate: 15 }, audio: false });
  return stream.getVideoTracks()[0] ?? null;
}

/** Whether this browser can share a screen. */
export function canShareScreen(): boolean {
  return typeof mediaDevices()?.getDisplayMedia === 'function';
}

export interface DeviceList {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

/** The cameras and microphones (named only once the browser has granted access to one). */
export async function listDevices(): Promise<DeviceList> {
  const all = await required().enumerateDevices();
  return {
    cameras: all.filter((device) => device.kind === 'videoinput'),
    microphones: all.filter((device) => device.kind === 'audioinput'),
  };
}
